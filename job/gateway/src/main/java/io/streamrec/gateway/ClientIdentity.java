package io.streamrec.gateway;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who sends a request: its token's grant ({@code gateway.tokens-file}), the address it comes from
 * ({@code gateway.trusted-proxies}), and the client that {@code gateway.client-rate} limits.
 */
final class ClientIdentity {
    private static final Logger LOG = LoggerFactory.getLogger(ClientIdentity.class);
    private static final String X_FORWARDED_FOR = "X-Forwarded-For";

    /** Every right, for every user: the grant of an open gateway (no tokens file). */
    private static final AccessTokens.Grant OPEN =
            new AccessTokens.Grant(EnumSet.of(AccessTokens.Scope.ADMIN), null);

    /** Null when no tokens file is set: the gateway is open. */
    private final AccessTokens tokens;

    private final TrustedProxies trustedProxies;

    /** Null when {@code gateway.client-rate} is 0. */
    private final RateLimiter clientLimiter;

    ClientIdentity(AccessTokens tokens, TrustedProxies trustedProxies, RateLimiter clientLimiter) {
        this.tokens = tokens;
        this.trustedProxies = trustedProxies;
        this.clientLimiter = clientLimiter;
    }

    /** Reads the tokens file, if one is set; says at start whether the gateway is open. */
    static ClientIdentity from(GatewaySettings settings) throws IOException {
        return new ClientIdentity(
                readTokens(settings.tokensFile()),
                settings.trustedProxies(),
                settings.clientRate().newLimiter());
    }

    private static AccessTokens readTokens(Path file) throws IOException {
        if (file == null) {
            LOG.warn(
                    "No gateway.tokens-file: anyone who reaches this gateway is admin: may"
                            + " write events, read every user's recommendations and forget any"
                            + " user");
            return null;
        }
        AccessTokens tokens = AccessTokens.read(file);
        LOG.info("Gateway requires bearer tokens: {} known, from {}", tokens.size(), file);
        return tokens;
    }

    /**
     * The request's grant: everything when the gateway is open; null for no or an unknown token.
     */
    AccessTokens.Grant grant(HttpRequest request) {
        return tokens == null
                ? OPEN
                : tokens.grant(request.headers().get(HttpHeaderNames.AUTHORIZATION));
    }

    /** Whether the request may see the gateway's details: an admin's, or any when it is open. */
    boolean isAdmin(FullHttpRequest request) {
        AccessTokens.Grant grant = grant(request);
        return grant != null && grant.scopes().contains(AccessTokens.Scope.ADMIN);
    }

    /**
     * The request's peer, and the client it is taken for: the peer, or when the peer is one of
     * {@code gateway.trusted-proxies}, the client its {@code X-Forwarded-For} names.
     */
    TrustedProxies.ClientAddress address(FullHttpRequest request, Exchange ex) {
        SocketAddress remote = ex.channel().remoteAddress();
        InetAddress peer = remote instanceof InetSocketAddress a ? a.getAddress() : null;
        return trustedProxies.resolve(peer, request.headers().getAll(X_FORWARDED_FOR));
    }

    /**
     * Who {@code gateway.client-rate} limits: the token (by its hash's id, as audit lines name it)
     * when the gateway has tokens, else, and for a request without a known token, the client's
     * address. The user ids a request names are the caller's choice, so they bound nothing.
     */
    String rateLimitKey(AccessTokens.Grant grant, InetAddress address) {
        return tokens != null && grant != null ? grant.tokenId() : addressKey(address);
    }

    /**
     * A client's address as a rate-limit key: an IPv4 address, or an IPv6 one's /64 (a host or site
     * is given a /64 of them, so one per request would make each a new client with a full bucket).
     */
    static String addressKey(InetAddress address) {
        if (address == null) {
            return "address:unknown"; // not an IP connection
        }
        byte[] ip = address.getAddress();
        if (ip.length == 16) {
            return "ip:" + HexFormat.of().formatHex(ip, 0, 8) + "/64";
        }
        return "ip:" + address.getHostAddress();
    }

    /**
     * Whether the client is over {@code gateway.client-rate}, after answering 429 if so; else a
     * request's token is taken.
     */
    boolean overRate(String client, Exchange ex) {
        return refused(
                ex,
                clientLimiter == null
                        ? 0
                        : clientLimiter.acquire(client, System.currentTimeMillis()));
    }

    /**
     * Whether the client is over {@code gateway.client-rate} for the rest of a request's cost,
     * {@code tokens} more than the one {@link #overRate} took ({@link RateLimiter#admitRest}),
     * after answering 429 if so; else they are taken.
     */
    boolean overRateForRest(String client, Exchange ex, int tokens) {
        return refused(
                ex,
                clientLimiter == null
                        ? 0
                        : clientLimiter.admitRest(client, tokens, System.currentTimeMillis()));
    }

    private static boolean refused(Exchange ex, long wait) {
        if (wait > 0) {
            ex.sendTooManyRequests("too many requests from this client", wait);
        }
        return wait > 0;
    }
}
