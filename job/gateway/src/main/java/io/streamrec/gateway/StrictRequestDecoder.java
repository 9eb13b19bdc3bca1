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
import java.util.List;
import java.util.Set;

/**
 * Request heads as RFC 9112 frames them, where a proxy in front and this gateway could disagree
 * about where a request ends (request smuggling): lines end in CRLF only, a request with both
 * Content-Length and {@code Transfer-Encoding: chunked} is malformed (400 and close), not read as
 * chunked on a connection kept alive, a chunk size is 1 to 8 hex digits, and no field line is
 * folded. Once a line is refused, nothing more of the connection is decoded.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {
    /**
     * Past 8 hex digits Netty's int chunk size wraps ({@code 100000002} is read as 2), while a
     * proxy keeping 64-bit sizes sends the whole chunk as body; 8 digits are read exactly or
     * refused.
     */
    private static final int MAX_CHUNK_SIZE_DIGITS = 8;

    /**
     * The decoder's own state, the only way to know that a chunk-size line comes next: Netty has no
     * hook for it.
     */
    private static final Field STATE = stateField();

    /**
     * The decoder's states in which it reads a head (and the whitespace it skips before one); a
     * folded trailer line it refuses itself.
     */
    private static final Set<String> HEAD =
            Set.of("SKIP_CONTROL_CHARS", "READ_INITIAL", "READ_HEADER");

    /** The last byte decoded, which a line of the next bytes may start after. */
    private byte lastByte;

    /** Asked to start over: the decoder does so at its next decode, whatever its state says. */
    private boolean resetAsked;

    /** A line was refused: the rest of the connection is skipped, as Netty skips a bad message. */
    private boolean refused;

    StrictRequestDecoder() {
        super(
                new HttpDecoderConfig()
                        .setMaxInitialLineLength(4096)
                        .setMaxHeaderSize(8192)
                        .setMaxChunkSize(8192)
                        .setStrictLineParsing(true));
    }

    private static Field stateField() {
        try {
            Field state = HttpObjectDecoder.class.getDeclaredField("currentState");
            state.setAccessible(true);
            return state;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this Netty's HttpObjectDecoder has no state", e);
        }
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new IllegalArgumentException("both Content-Length and Transfer-Encoding");
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
        String state = resetAsked ? "SKIP_CONTROL_CHARS" : ((Enum<?>) STATE.get(this)).name();
        resetAsked = false;
        String badSize = state.equals("READ_CHUNK_SIZE") ? badChunkSize(in) : null;
        if (badSize != null) {
            refuse(in, out, new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER), badSize);
            return;
        }
        int from = in.readerIndex();
        int decoded = out.size();
        super.decode(ctx, in, out);
        if (HEAD.contains(state) && folded(in, from)) {
            refuseHead(in, out, decoded);
        }
        if (in.readerIndex() > from) {
            lastByte = in.getByte(in.readerIndex() - 1);
        }
    }

    /**
     * Refuses the head in progress in place of what this call decoded of it (from {@code decoded}
     * on): a head is passed on only whole, so nothing of it was before.
     */
    private void refuseHead(ByteBuf in, List<Object> out, int decoded) {
        while (out.size() > decoded) {
            ReferenceCountUtil.release(out.remove(out.size() - 1));
        }
        refuse(
                in,
                out,
                createInvalidMessage(),
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
     * Why the chunk-size line {@code in} starts with is refused: not 1 to 8 hex digits ended by CR,
     * {@code ;} or whitespace (leading whitespace too, which Netty skips). Null while the line is
     * not whole: the decoder waits for it too.
     */
    private static String badChunkSize(ByteBuf in) {
        int end = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (end < 0) {
            return null;
        }
        int i = in.readerIndex();
        while (i < end && StringUtil.decodeHexNibble(in.getByte(i)) != -1) {
            i++;
        }
        int digits = i - in.readerIndex();
        byte next = in.getByte(i);
        boolean ended = next == '\r' || next == ';' || next == ' ' || next == '\t';
        return digits >= 1 && digits <= MAX_CHUNK_SIZE_DIGITS && ended
                ? null
                : "chunk size not 1 to " + MAX_CHUNK_SIZE_DIGITS + " hex digits";
    }

    /** Passes {@code failed} on, failed with {@code why}, and skips the rest of the connection. */
    private void refuse(ByteBuf in, List<Object> out, DecoderResultProvider failed, String why) {
        refused = true;
        in.skipBytes(in.readableBytes());
        failed.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(why)));
        out.add(failed);
    }
}
