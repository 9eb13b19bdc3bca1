package io.streamrec.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectDecoder;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.StringUtil;
import java.lang.reflect.Field;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Request heads as RFC 9112 frames them, where a proxy in front and this gateway could disagree
 * about where a request ends (request smuggling): lines end in CRLF only, a request with both
 * Content-Length and {@code Transfer-Encoding: chunked} is malformed (400 and close), not read as
 * chunked on a connection kept alive, a chunk line is 1 to 8 hex digits and RFC 9112's chunk
 * extensions, and no field line (head or trailer) is folded. Once a line is refused, nothing more
 * of the connection is decoded.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {
    /**
     * Past 8 hex digits Netty's int chunk size wraps ({@code 100000002} is read as 2), while a
     * proxy keeping 64-bit sizes sends the whole chunk as body; 8 digits are read exactly or
     * refused.
     */
    private static final int MAX_CHUNK_SIZE_DIGITS = 8;

    /** The longest request line, or chunk line, read. */
    static final int MAX_LINE_BYTES = 4096;

    /** The most bytes of field lines a head may have. */
    static final int MAX_HEAD_BYTES = 8192;

    /** The decoder's state between requests, where {@link #reset()} puts it too. */
    private static final String START = "SKIP_INITIAL_LINE_CHARS";

    /** The decoder's states in which it reads a head (and the line ends it skips before one). */
    private static final Set<String> HEAD = Set.of(START, "READ_INITIAL", "READ_HEADER");

    /**
     * Reading a chunked body's trailer section: its lines are field lines too, and Netty 4.1.137
     * folds one starting with whitespace into the line before (4.1.128 refused it itself).
     */
    private static final String TRAILERS = "READ_CHUNK_FOOTER";

    private static final String CHUNK_SIZE = "READ_CHUNK_SIZE";

    /**
     * The decoder's own state, the only way to know that a chunk-size line comes next: Netty has no
     * hook for it.
     */
    private static final Field STATE = stateField();

    /** The last byte decoded, which a line of the next bytes may start after. */
    private byte lastByte;

    /** Asked to start over: the decoder does so at its next decode, whatever its state says. */
    private boolean resetAsked;

    /** A line was refused: the rest of the connection is skipped, as Netty skips a bad message. */
    private boolean refused;

    StrictRequestDecoder() {
        super(
                new HttpDecoderConfig()
                        .setMaxInitialLineLength(MAX_LINE_BYTES)
                        .setMaxHeaderSize(MAX_HEAD_BYTES)
                        .setMaxChunkSize(8192)
                        .setStrictLineParsing(true));
    }

    private static Field stateField() {
        try {
            Field state = HttpObjectDecoder.class.getDeclaredField("currentState");
            state.setAccessible(true);
            // the states named here must be this Netty's, or the checks would silently lapse
            Set<String> names = new HashSet<>();
            for (Object constant : state.getType().getEnumConstants()) {
                names.add(((Enum<?>) constant).name());
            }
            Set<String> used = new HashSet<>(HEAD);
            used.add(TRAILERS);
            used.add(CHUNK_SIZE);
            used.add("BAD_MESSAGE");
            used.add("UPGRADED");
            if (!names.containsAll(used)) {
                throw new IllegalStateException("HttpObjectDecoder's states are " + names);
            }
            return state;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this Netty's HttpObjectDecoder has no state", e);
        }
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new MalformedRequest.Why("both Content-Length and Transfer-Encoding");
    }

    @Override
    public void reset() {
        resetAsked = true;
        super.reset();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
            throws Exception {
        if (refused) {
            in.skipBytes(in.readableBytes());
            return;
        }
        String state = state();
        resetAsked = false;
        String badLine = state.equals(CHUNK_SIZE) ? badChunkLine(in) : null;
        if (badLine != null) {
            refuse(in, out, new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER), badLine);
            return;
        }
        int from = in.readerIndex();
        int decoded = out.size();
        super.decode(ctx, in, out);
        if ((HEAD.contains(state) || state.equals(TRAILERS)) && folded(in, from)) {
            refuseFolded(in, out, decoded, state.equals(TRAILERS));
        }
        if (in.readerIndex() > from) {
            lastByte = in.getByte(in.readerIndex() - 1);
        }
    }

    /**
     * Whether bytes of a request not yet decoded whole were read: held undecoded, or a head or body
     * in progress. Not after a refusal or a bad message: nothing more is read then.
     */
    boolean holdsPartOfARequest() {
        if (refused) {
            return false;
        }
        String state;
        try {
            state = state();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        return state.equals(START)
                ? actualReadableBytes() > 0
                : !state.equals("BAD_MESSAGE") && !state.equals("UPGRADED");
    }

    private String state() throws IllegalAccessException {
        return resetAsked ? START : ((Enum<?>) STATE.get(this)).name();
    }

    /**
     * Refuses the head or trailer section in progress in place of what this call decoded of it
     * (from {@code decoded} on): either is passed on only whole, so nothing of it was before; a
     * head as an invalid message, trailers as the body's failed last content.
     */
    private void refuseFolded(ByteBuf in, List<Object> out, int decoded, boolean trailers) {
        while (out.size() > decoded) {
            ReferenceCountUtil.release(out.remove(out.size() - 1));
        }
        refuse(
                in,
                out,
                trailers
                        ? new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER)
                        : createInvalidMessage(),
                "a field line starting with whitespace (obsolete line folding)");
    }

    /**
     * Whether the bytes decoded since {@code from} hold a line starting with SP or HTAB: Netty
     * folds it into the field line before, where a lenient proxy may read it as a field of its own
     * (a Content-Length), and RFC 9112 5.2 allows refusing it. Before a request line too, which
     * Netty skips as whitespace.
     */
    private boolean folded(ByteBuf in, int from) {
        byte previous = lastByte;
        for (int i = from; i < in.readerIndex(); i++) {
            byte b = in.getByte(i);
            if (previous == '\n' && (b == ' ' || b == '\t')) {
                return true;
            }
            previous = b;
        }
        return false;
    }

    /**
     * Why the chunk line {@code in} starts with is refused, or null: it must be RFC 9112 7.1's
     * {@code chunk-size [ chunk-ext ] CRLF}, the size 1 to 8 hex digits (no whitespace before it,
     * which Netty skips), and each extension {@code BWS ";" BWS name [ BWS "=" BWS value ]}, the
     * name a token and the value a token or a quoted-string. Netty 4.1.128 read nothing after the
     * size up to the line's end (4.1.137 checks some of it, but takes {@code 2;}), where a proxy
     * may: one keeping {@code 2;a="} open past the CRLF frames the rest otherwise. Null too while
     * the line is not whole: the decoder waits for it.
     */
    private static String badChunkLine(ByteBuf in) {
        int start = in.readerIndex();
        int end = in.indexOf(start, in.writerIndex(), (byte) '\n');
        if (end < 0) {
            return null;
        }
        int i = start;
        while (i < end && StringUtil.decodeHexNibble(in.getByte(i)) != -1) {
            i++;
        }
        if (i == start || i - start > MAX_CHUNK_SIZE_DIGITS) {
            return "chunk size not 1 to " + MAX_CHUNK_SIZE_DIGITS + " hex digits";
        }
        while (true) {
            int semicolon = whitespace(in, i, end);
            if (semicolon == end || in.getByte(semicolon) != ';') {
                break; // i stays before whitespace that no ';' follows: not the grammar's
            }
            int name = whitespace(in, semicolon + 1, end);
            i = token(in, name, end);
            if (i == name) {
                return "a chunk extension without a name";
            }
            int equals = whitespace(in, i, end);
            if (equals < end && in.getByte(equals) == '=') {
                int value = whitespace(in, equals + 1, end);
                i =
                        value < end && in.getByte(value) == '"'
                                ? quotedString(in, value, end)
                                : token(in, value, end);
                if (i <= value) {
                    return "a chunk extension value neither a token nor a quoted-string";
                }
            }
        }
        return i == end - 1 && in.getByte(i) == '\r'
                ? null
                : "a chunk line not chunk-size [ chunk-ext ] CRLF";
    }

    /** Where the SP and HTAB from {@code i} end (BWS). */
    private static int whitespace(ByteBuf in, int i, int end) {
        while (i < end && (in.getByte(i) == ' ' || in.getByte(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** Where the tchars from {@code i} end. */
    private static int token(ByteBuf in, int i, int end) {
        while (i < end && isTchar(in.getByte(i))) {
            i++;
        }
        return i;
    }

    private static boolean isTchar(byte b) {
        return (b >= '0' && b <= '9')
                || (b >= 'a' && b <= 'z')
                || (b >= 'A' && b <= 'Z')
                || "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
    }

    /**
     * Where the quoted-string opening at {@code i} ends (after its closing quote), or -1 if it is
     * not closed by {@code end} or holds a byte neither qdtext nor a quoted-pair.
     */
    private static int quotedString(ByteBuf in, int i, int end) {
        for (i++; i < end; i++) {
            int b = in.getByte(i) & 0xff;
            if (b == '"') {
                return i + 1;
            }
            if (b == '\\') {
                i++;
                if (i == end || !(quotable(in.getByte(i) & 0xff))) {
                    return -1;
                }
            } else if (!quotable(b)) {
                return -1;
            }
        }
        return -1;
    }

    /** HTAB, SP, a visible character or obs-text: what qdtext and a quoted-pair take. */
    private static boolean quotable(int b) {
        return b == '\t' || (b >= 0x20 && b != 0x7f);
    }

    /** Passes {@code failed} on, failed with {@code why}, and skips the rest of the connection. */
    private void refuse(ByteBuf in, List<Object> out, DecoderResultProvider failed, String why) {
        refused = true;
        in.skipBytes(in.readableBytes());
        failed.setDecoderResult(DecoderResult.failure(new MalformedRequest.Why(why)));
        out.add(failed);
    }
}
