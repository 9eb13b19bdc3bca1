package io.streamrec.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Who may do what at the gateway: bearer tokens, stored only as SHA-256 hashes (a leaked tokens
 * file grants nothing), each with its scopes and, optionally, the one user it acts for. One line
 * per token, {@code #} starts a comment:
 *
 * <pre>
 * # sha256(token) in hex          scopes                             user (optional)
 * 9f86d081884c7d65...             recommendations:read,events:write  u42
 * 60303ae22b998861...             admin
 * </pre>
 *
 * A token bound to a user reads only that user's recommendations and writes only that user's
 * events; {@code admin} allows everything for every user. {@code deploy/gateway-token.sh} makes a
 * token and its line.
 */
final class AccessTokens {
    private static final String BEARER = "Bearer ";

    /** What a token may do. */
    enum Scope {
        EVENTS_WRITE("events:write"),
        RECOMMENDATIONS_READ("recommendations:read"),
        ADMIN("admin");

        final String text;

        Scope(String text) {
            this.text = text;
        }

        static Scope parse(String text) {
            for (Scope s : values()) {
                if (s.text.equals(text.trim().toLowerCase(Locale.ROOT))) {
                    return s;
                }
            }
            throw new IllegalArgumentException(
                    "unknown scope '" + text + "' (events:write, recommendations:read, admin)");
        }
    }

    /** One token's rights: its scopes, and the user it acts for (null: any user). */
    record Grant(Set<Scope> scopes, String userId, String tokenId) {
        Grant(Set<Scope> scopes, String userId) {
            this(scopes, userId, "open");
        }

        boolean allows(Scope scope) {
            return scopes.contains(scope) || scopes.contains(Scope.ADMIN);
        }

        boolean actsFor(String user) {
            return userId == null || scopes.contains(Scope.ADMIN) || userId.equals(user);
        }
    }

    private final Map<String, Grant> byHash;

    private AccessTokens(Map<String, Grant> byHash) {
        this.byHash = byHash;
    }

    /** Reads a tokens file; a malformed line fails with its number and what is wrong. */
    static AccessTokens read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, Grant> byHash = new HashMap<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                String[] fields = line.split("\\s+");
                if (fields.length < 2 || fields.length > 3) {
                    throw new IllegalArgumentException(
                            "expected: <sha256 hex> <scope,scope...> [user]");
                }
                if (!fields[0].matches("[0-9a-fA-F]{64}")) {
                    // its length, not the field: a token pasted for its hash would reach the log
                    throw new IllegalArgumentException(
                            "not a SHA-256 hash in hex (64 hex digits): "
                                    + fields[0].length()
                                    + " characters");
                }
                Set<Scope> scopes = EnumSet.noneOf(Scope.class);
                for (String s : fields[1].split(",")) {
                    scopes.add(Scope.parse(s));
                }
                byHash.put(
                        fields[0].toLowerCase(Locale.ROOT),
                        new Grant(
                                scopes, fields.length == 3 ? fields[2] : null, tokenId(fields[0])));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + " line " + (n + 1) + ": " + e.getMessage(), e);
            }
        }
        return new AccessTokens(byHash);
    }

    /** The grant of an {@code Authorization: Bearer <token>} header; null if missing or unknown. */
    Grant grant(String authorization) {
        // the scheme is case-insensitive (RFC 9110 11.1), the token not
        if (authorization == null
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return byHash.get(hash(authorization.substring(BEARER.length()).strip()));
    }

    int size() {
        return byHash.size();
    }

    /**
     * Who a token is in audit records: the first 12 hex digits of its hash, which name its line in
     * the tokens file and say nothing of the token itself.
     */
    static String tokenId(String hash) {
        return "token:" + hash.substring(0, Math.min(12, hash.length())).toLowerCase(Locale.ROOT);
    }

    /** The hex SHA-256 of a token, as the tokens file stores it. */
    static String hash(String token) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
