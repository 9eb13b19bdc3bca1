package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * One connection's pipeline, driven in memory: answers leave in the order of their requests, and a
 * request that cannot be routed is answered and ends its connection instead of holding it.
 */
class HttpConnectionTest {
    private static final HttpConnection.Limits LIMITS =
            new HttpConnection.Limits(10_000, 30_000, 1 << 20, new BodyBudget(1L << 30));
    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.1 (\\d{3})");

    /** Holds every request's exchange unanswered and remembers the paths it was given. */
    private static final class HoldingRouter implements HttpConnection.Router {
        final List<String> paths = new ArrayList<>();
        final List<Exchange> held = new ArrayList<>();

        @Override
        public void handle(FullHttpRequest request, Exchange exchange) {
            paths.add(request.uri());
            held.add(exchange);
        }
    }

    private static EmbeddedChannel connection(HttpConnection.Router router) {
        EmbeddedChannel channel = new EmbeddedChannel();
        HttpConnection.initialize(channel, router, new ConnectionCount(10), LIMITS);
        return channel;
    }

    private static EmbeddedChannel connection(HttpConnection.Router router, BodyBudget budget) {
        EmbeddedChannel channel = new EmbeddedChannel();
        HttpConnection.initialize(
                channel,
                router,
                new ConnectionCount(10),
                new HttpConnection.Limits(10_000, 30_000, 1 << 20, budget));
        return channel;
    }

    private static String postHead(int contentLength, String expect) {
        return "POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: "
                + contentLength
                + "\r\n"
                + (expect == null ? "" : "Expect: " + expect + "\r\n")
                + "\r\n";
    }

    /**
     * Bodies arriving at once share one budget: one that it cannot hold gets 503 from its head
     * alone, a 100-continue one too (no 100 Continue is sent for it); a body received whole, or
     * whose connection ends, gives its share back.
     */
    @Test
    void bodiesArrivingTogetherShareOneBudget() {
        BodyBudget budget = new BodyBudget(1_000);
        HoldingRouter router = new HoldingRouter();
        EmbeddedChannel slow = connection(router, budget);
        send(slow, postHead(800, null) + "x".repeat(100)); // 800 held while the rest comes
        assertThat(budget.available()).isEqualTo(200);

        EmbeddedChannel refused = connection(router, budget);
        send(refused, postHead(300, null));
        assertThat(statuses(refused)).containsExactly(503);
        EmbeddedChannel expecting = connection(router, budget);
        send(expecting, postHead(300, "100-continue"));
        assertThat(statuses(expecting)).containsExactly(503);
        assertThat(budget.available()).isEqualTo(200);

        EmbeddedChannel small = connection(router, budget);
        send(small, postHead(150, null) + "y".repeat(150));
        assertThat(router.paths).containsExactly("/events");
        assertThat(budget.available()).isEqualTo(200); // handed over whole: given back

        slow.close();
        assertThat(budget.available()).isEqualTo(1_000);
    }

    /**
     * Whole requests pipelined behind one in progress keep their bodies' bytes of the budget until
     * each is routed; a keep-alive connection's next body and a granted 100-continue one reserve
     * and give back alike.
     */
    @Test
    void pipelinedBodiesHoldTheirShareUntilRouted() {
        BodyBudget budget = new BodyBudget(1_000);
        HoldingRouter router = new HoldingRouter();
        EmbeddedChannel channel = connection(router, budget);
        send(channel, postHead(100, null) + "a".repeat(100)); // routed at once, held unanswered
        assertThat(budget.available()).isEqualTo(1_000);

        send(
                channel,
                postHead(300, null) + "b".repeat(300) + postHead(300, null) + "c".repeat(300));
        assertThat(router.paths).hasSize(1);
        assertThat(budget.available()).isEqualTo(400); // two whole bodies queued behind it
        send(channel, postHead(500, null));
        assertThat(budget.available()).isEqualTo(400); // refused: more than the budget left

        router.held.get(0).send(200, "{}");
        channel.runPendingTasks();
        assertThat(router.paths).hasSize(2);
        assertThat(budget.available()).isEqualTo(700);
        router.held.get(1).send(200, "{}");
        channel.runPendingTasks();
        assertThat(budget.available()).isEqualTo(1_000);
        router.held.get(2).send(200, "{}");
        channel.runPendingTasks();
        // the refusal goes out in its turn, after the three answers before it
        assertThat(statuses(channel)).containsExactly(200, 200, 200, 503);
        channel.close();
        assertThat(budget.available()).isEqualTo(1_000);

        EmbeddedChannel expecting = connection(router, budget);
        send(expecting, postHead(600, "100-continue"));
        assertThat(statuses(expecting)).containsExactly(100);
        assertThat(budget.available()).isEqualTo(400);
        send(expecting, "d".repeat(600));
        assertThat(budget.available()).isEqualTo(1_000);
        assertThat(router.paths).hasSize(4);
    }

    /**
     * A router that hands the body to other work keeps its share of the budget past routing, until
     * the work gives it back (once, however often it says so).
     */
    @Test
    void aBodyItsRouterKeepsHoldsItsShareUntilGivenBack() {
        BodyBudget budget = new BodyBudget(1_000);
        List<Runnable> releases = new ArrayList<>();
        EmbeddedChannel channel =
                connection(
                        (request, exchange) -> {
                            releases.add(exchange.keepBody());
                            exchange.send(202, "{}");
                        },
                        budget);
        send(channel, postHead(300, null) + "a".repeat(300));
        assertThat(statuses(channel)).containsExactly(202);
        assertThat(budget.available()).isEqualTo(700);

        releases.get(0).run();
        releases.get(0).run();
        assertThat(budget.available()).isEqualTo(1_000);
    }

    @Test
    void aHeadWhoseContentLengthIsNotANumberIs400AndReservesNothing() {
        BodyBudget budget = new BodyBudget(1_000);
        EmbeddedChannel channel = connection(new HoldingRouter(), budget);

        send(channel, "POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");

        assertThat(statuses(channel)).containsExactly(400);
        assertThat(budget.available()).isEqualTo(1_000);
    }

    /**
     * A head whose Content-Length is not a number and that expects a 100 Continue, pipelined behind
     * a request in progress: the answer in progress goes out, then the head's 400.
     */
    @Test
    void aMalformedHeadExpectingAContinueIsRefusedAfterTheAnswerInProgress() {
        HoldingRouter router = new HoldingRouter();
        EmbeddedChannel channel = connection(router);
        send(
                channel,
                get("/forget-first")
                        + "POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n"
                        + "Expect: 100-continue\r\n\r\n");
        router.held.get(0).send(202, "{}");
        channel.runPendingTasks();

        assertThat(statuses(channel)).containsExactly(202, 400);
        assertThat(router.paths).containsExactly("/forget-first");
    }

    /**
     * Methods other than GET and POST are refused before routing, 405 with {@code Allow}, on a
     * connection kept alive; the answer to HEAD has no body (a client or proxy reads none, and
     * would read it as the start of the next answer).
     */
    @Test
    void methodsOtherThanGetAndPostAre405WithAllowAndHeadIsAnsweredWithoutABody() {
        AnsweringRouter router = new AnsweringRouter();
        EmbeddedChannel channel = connection(router);
        send(channel, "HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n" + get("/health"));
        String wire = wire(channel);

        assertThat(wire).startsWith("HTTP/1.1 405").containsIgnoringCase("allow: GET, POST\r\n");
        int endOfHead = wire.indexOf("\r\n\r\n") + 4;
        assertThat(wire.substring(endOfHead)).startsWith("HTTP/1.1 200");

        send(channel, "DELETE /events HTTP/1.1\r\nHost: x\r\n\r\n" + get("/health"));
        assertThat(statuses(channel)).containsExactly(405, 200);
        assertThat(router.routed).containsExactly("/health ", "/health ");
        assertThat(channel.isOpen()).isTrue();
    }

    /** {@code chunked} is a body's only coding, given once (RFC 9112 6.1). */
    @Test
    void chunkedGivenTwiceIsRefused() {
        AnsweringRouter router = new AnsweringRouter();
        EmbeddedChannel oneLine = connection(router);
        send(
                oneLine,
                "POST /events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"
                        + "2\r\nab\r\n0\r\n\r\n");
        EmbeddedChannel twoLines = connection(router);
        send(
                twoLines,
                "POST /events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n");

        assertThat(statuses(oneLine)).containsExactly(400);
        assertThat(statuses(twoLines)).containsExactly(400);
        assertThat(router.routed).isEmpty();
    }

    /**
     * A head past the decoder's limits is 400 naming the limit, not the decoder's exception ({@code
     * io.netty...TooLongHttpHeaderException: ...}), which told any client the server's make.
     */
    @Test
    void aHeadPastTheLimitsIs400NamingTheLimitButNoJavaClass() {
        AnsweringRouter router = new AnsweringRouter();
        EmbeddedChannel header = connection(router);
        send(header, "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9_000) + "\r\n\r\n");
        EmbeddedChannel line = connection(router);
        send(line, "GET /" + "a".repeat(5_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        EmbeddedChannel version = connection(router);
        send(version, "GET /health HTTP/9.x\r\nHost: x\r\n\r\n");

        String headerAnswer = wire(header);
        assertThat(headerAnswer)
                .startsWith("HTTP/1.1 400")
                .contains("request head larger than 8192 bytes")
                .doesNotContain("io.netty")
                .doesNotContain("Exception");
        String lineAnswer = wire(line);
        assertThat(lineAnswer)
                .startsWith("HTTP/1.1 400")
                .contains("request line or chunk line longer than 4096 bytes")
                .doesNotContain("io.netty")
                .doesNotContain("Exception");
        assertThat(wire(version))
                .startsWith("HTTP/1.1 400")
                .contains("malformed request")
                .doesNotContain("io.netty")
                .doesNotContain("Exception");
        assertThat(router.routed).isEmpty();
    }

    /** An HTTP/1.1 request needs exactly one Host (RFC 9112 3.2); HTTP/1.0 none. */
    @Test
    void anHttp11RequestWithoutExactlyOneHostIs400() {
        AnsweringRouter router = new AnsweringRouter();
        EmbeddedChannel none = connection(router);
        send(none, "GET /health HTTP/1.1\r\n\r\n");
        EmbeddedChannel two = connection(router);
        send(two, "GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
        EmbeddedChannel http10 = connection(router);
        send(http10, "GET /health HTTP/1.0\r\n\r\n");

        assertThat(statuses(none)).containsExactly(400);
        assertThat(statuses(two)).containsExactly(400);
        assertThat(statuses(http10)).containsExactly(200);
        assertThat(router.routed).containsExactly("/health ");
    }

    private static void send(EmbeddedChannel channel, String requests) {
        channel.writeInbound(Unpooled.copiedBuffer(requests, StandardCharsets.US_ASCII));
        channel.runPendingTasks();
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    /** What was written so far. */
    private static String wire(EmbeddedChannel channel) {
        StringBuilder wire = new StringBuilder();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ByteBuf bytes = (ByteBuf) out;
            wire.append(bytes.toString(StandardCharsets.US_ASCII));
            bytes.release();
        }
        return wire.toString();
    }

    /** The status codes written so far, in order. */
    private static List<Integer> statuses(EmbeddedChannel channel) {
        List<Integer> statuses = new ArrayList<>();
        Matcher m = STATUS.matcher(wire(channel));
        while (m.find()) {
            statuses.add(Integer.parseInt(m.group(1)));
        }
        return statuses;
    }

    @Test
    void aRequestPipelinedBeyondTheQueueIsRefusedAfterTheAnswersOfThoseBeforeIt() {
        HoldingRouter router = new HoldingRouter();
        EmbeddedChannel channel = connection(router);
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 18; i++) {
            requests.append(get("/q" + i));
        }
        send(channel, requests.toString());
        assertThat(router.paths).containsExactly("/q0");
        assertThat(statuses(channel)).as("nothing answered ahead of /q0").isEmpty();

        for (int answered = 0; answered < 17; answered++) {
            router.held.get(answered).send(200, "{}");
            channel.runPendingTasks();
        }
        List<Integer> statuses = statuses(channel);
        assertThat(statuses).hasSize(18);
        assertThat(statuses.subList(0, 17)).containsOnly(200);
        assertThat(statuses.get(17)).isEqualTo(429);
        assertThat(router.paths).hasSize(17).doesNotContain("/q17");
        closesAfterTheLinger(channel);
    }

    @Test
    void aPipelinedRequestWhoseUriCannotBeDecodedIsAnswered400AndEndsTheConnection() {
        AtomicInteger routed = new AtomicInteger();
        EmbeddedChannel channel =
                connection(
                        (request, exchange) -> {
                            new QueryStringDecoder(request.uri()).path(); // as the gateway does
                            routed.incrementAndGet();
                            exchange.send(200, "{}");
                        });
        send(channel, get("/health") + get("/%zz") + get("/health"));
        assertThat(statuses(channel)).containsExactly(200, 400);
        assertThat(routed).hasValue(1);
        closesAfterTheLinger(channel);
    }

    @Test
    void aRouterThatFailsAnswers500AndEndsTheConnection() {
        EmbeddedChannel channel =
                connection(
                        (request, exchange) -> {
                            throw new IllegalStateException("a bug");
                        });
        send(channel, get("/health"));
        assertThat(statuses(channel)).containsExactly(500);
        closesAfterTheLinger(channel);
    }

    @Test
    void anAnswerThatCannotBeWrittenRoutesNothingAfterIt() {
        HoldingRouter router = new HoldingRouter();
        EmbeddedChannel channel = connection(router);
        send(channel, get("/forget-first") + get("/then-this"));
        channel.pipeline()
                .addFirst(
                        new ChannelOutboundHandlerAdapter() {
                            @Override
                            public void write(
                                    ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                                ReferenceCountUtil.release(msg);
                                promise.setFailure(new IOException("connection reset"));
                            }
                        });
        router.held.get(0).send(200, "{}");
        channel.runPendingTasks();
        assertThat(router.paths).containsExactly("/forget-first");
        assertThat(channel.isOpen()).isFalse();
    }

    /**
     * A head whose body its router does not read holds none of the budget: it is routed alone, with
     * an empty body, after the answer in progress, and its answer ends the connection; nothing
     * pipelined behind it is routed.
     */
    @Test
    void aHeadWhoseBodyIsNotReadIsRoutedAloneInItsTurnAndEndsTheConnection() {
        BodyBudget budget = new BodyBudget(1_000);
        List<String> bodies = new ArrayList<>();
        HoldingRouter holding = new HoldingRouter();
        HttpConnection.Router router =
                new HttpConnection.Router() {
                    @Override
                    public void handle(FullHttpRequest request, Exchange exchange) {
                        bodies.add(request.content().toString(StandardCharsets.US_ASCII));
                        holding.handle(request, exchange);
                    }

                    @Override
                    public boolean readsBody(HttpRequest head) {
                        return false;
                    }
                };
        EmbeddedChannel channel = connection(router, budget);
        send(
                channel,
                get("/q0")
                        + "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 900\r\n\r\n"
                        + "b".repeat(900)
                        + get("/after"));
        assertThat(holding.paths).containsExactly("/q0");
        assertThat(budget.available()).isEqualTo(1_000);

        holding.held.get(0).send(200, "{}");
        channel.runPendingTasks();
        assertThat(holding.paths).containsExactly("/q0", "/x");
        assertThat(bodies).containsExactly("", "");
        holding.held.get(1).send(401, "{}");
        channel.runPendingTasks();
        assertThat(statuses(channel)).containsExactly(200, 401);
        assertThat(holding.paths).doesNotContain("/after");
        assertThat(budget.available()).isEqualTo(1_000);
        closesAfterTheLinger(channel);
    }

    /** Answers 200 at once and keeps each routed request's path and body. */
    private static final class AnsweringRouter implements HttpConnection.Router {
        final List<String> routed = new ArrayList<>();

        @Override
        public void handle(FullHttpRequest request, Exchange exchange) {
            routed.add(request.uri() + " " + request.content().toString(StandardCharsets.US_ASCII));
            exchange.send(200, "{}");
        }
    }

    @Test
    void aRequestFramedBothByLengthAndByChunksIsRefusedAndNothingBehindItIsRouted() {
        AnsweringRouter router = new AnsweringRouter();
        EmbeddedChannel channel = connection(router);
        send(
                channel,
                "POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                        + get("/smuggled"));
        assertThat(statuses(channel)).containsExactly(400);
        assertThat(router.routed).isEmpty();
        closesAfterTheLinger(channel);
    }

    @Test
    void anHttp10RequestFramedBothByLengthAndByChunksIsRefused() {
        AnsweringRouter router = new AnsweringRouter();
        EmbeddedChannel channel = connection(router);
        send(
                channel,
                "POST /events HTTP/1.0\r\nHost: x\r\nContent-Length: 40\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                        + get("/smuggled"));
        assertThat(statuses(channel)).containsExactly(400);
        assertThat(router.routed).isEmpty();
    }

    @Test
    void aTransferEncodingOtherThanChunkedIsRefused() {
        AnsweringRouter router = new AnsweringRouter();
        EmbeddedChannel channel = connection(router);
        send(
                channel,
                "POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                        + "Transfer-Encoding: xchunked\r\n\r\nab");
        assertThat(statuses(channel)).containsExactly(400);
        assertThat(router.routed).isEmpty();

        // and without a Content-Length: a coding beside chunked, which the decoder reads as
        // chunked while a proxy may not
        EmbeddedChannel alone = connection(router);
        send(
                alone,
                "POST /events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                        + "2\r\nab\r\n0\r\n\r\n");
        assertThat(statuses(alone)).containsExactly(400);
        assertThat(router.routed).isEmpty();
    }

    @Test
    void aHeadWithBareLineFeedsIsRefused() {
        AnsweringRouter router = new AnsweringRouter();
        EmbeddedChannel channel = connection(router);
        send(channel, "GET /health HTTP/1.1\nHost: x\n\n");
        assertThat(statuses(channel)).containsExactly(400);
        assertThat(router.routed).isEmpty();
    }

    @Test
    void aChunkedBodyIsRoutedWhole() {
        AnsweringRouter router = new AnsweringRouter();
        EmbeddedChannel channel = connection(router);
        send(
                channel,
                "POST /events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "2\r\nab\r\n1\r\nc\r\n0\r\n\r\n"
                        + get("/health"));
        assertThat(statuses(channel)).containsExactly(200, 200);
        assertThat(router.routed).containsExactly("/events abc", "/health ");
        assertThat(channel.isOpen()).isTrue();
    }

    /**
     * A chunk size past 8 hex digits overflows the decoder's int: {@code 100000002} read as 2 made
     * the rest of that chunk a request of its own, which a proxy keeping 64-bit sizes sends as
     * body. Refused whether the line arrives at once or byte by byte.
     */
    @Test
    void aChunkSizeOfMoreThanEightHexDigitsIsRefusedAndNothingBehindItIsRouted() {
        String request =
                "POST /events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "100000002\r\nab\r\n0\r\n\r\n"
                        + get("/smuggled");
        AnsweringRouter router = new AnsweringRouter();
        EmbeddedChannel atOnce = connection(router);
        send(atOnce, request);
        EmbeddedChannel byteByByte = connection(router);
        for (char c : request.toCharArray()) {
            send(byteByByte, String.valueOf(c));
        }
        EmbeddedChannel leadingSpace = connection(router);
        send(leadingSpace, request.replace("100000002", " 100000002"));

        assertThat(statuses(atOnce)).containsExactly(400);
        assertThat(statuses(byteByByte)).containsExactly(400);
        assertThat(statuses(leadingSpace)).containsExactly(400);
        assertThat(router.routed).isEmpty();
    }

    /**
     * After a chunk size's {@code ;} the decoder read nothing up to the CRLF, so {@code 2;a="} (a
     * quoted-string left open, which a proxy may keep open past the CRLF and so frame the rest
     * otherwise) or a control byte passed: a chunk line is refused unless it is RFC 9112's {@code
     * chunk-size [ chunk-ext ] CRLF}, at once or byte by byte.
     */
    @Test
    void aChunkExtensionThatIsNotATokenOrQuotedStringIsRefusedAndNothingBehindItIsRouted() {
        String head = "POST /events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
        String request = head + "2;a=\"\r\nxx\r\n0\r\n\r\n" + get("/smuggled");
        AnsweringRouter router = new AnsweringRouter();
        EmbeddedChannel atOnce = connection(router);
        send(atOnce, request);
        EmbeddedChannel byteByByte = connection(router);
        for (char c : request.toCharArray()) {
            send(byteByByte, String.valueOf(c));
        }
        assertThat(statuses(atOnce)).containsExactly(400);
        assertThat(statuses(byteByByte)).containsExactly(400);
        for (String line :
                List.of(
                        "2;\u0000x",
                        "2;a=b\u0000",
                        "2;",
                        "2;=b",
                        "2;a=",
                        "2;a=\"b\"c",
                        "2;a b",
                        "2 ",
                        "2;a\rb",
                        "2;a=\"\u0001\"",
                        "2;a=\"\\\u0000\"")) {
            EmbeddedChannel channel = connection(router);
            send(channel, head + line + "\r\nxx\r\n0\r\n\r\n" + get("/smuggled"));
            assertThat(statuses(channel)).as(line).containsExactly(400);
        }
        assertThat(router.routed).isEmpty();

        for (String line :
                List.of(
                        "2;name=value",
                        "2;name=\"quoted \\\" value\"",
                        "2 ; a ; b = \"\" \t;c=d",
                        "2\t;a=\"\t;\\\\\"",
                        "2;!#$%&'*+-.^_`|~09az=!")) {
            EmbeddedChannel channel = connection(router);
            send(channel, head + line + "\r\nxx\r\n0\r\n\r\n" + get("/after"));
            assertThat(statuses(channel)).as(line).containsExactly(200, 200);
        }
        assertThat(router.routed).hasSize(10).containsOnly("/events xx", "/after ");
    }

    /**
     * A field line starting with whitespace (obsolete line folding) was folded into the line
     * before, hiding a Content-Length or Transfer-Encoding that a lenient proxy reads: refused, in
     * the head and in a chunked body's trailers, whether it arrives at once or byte by byte.
     */
    @Test
    void aFoldedFieldLineIsRefusedAndNothingBehindItIsRouted() {
        String folded =
                "POST /events HTTP/1.1\r\nHost: x\r\nX-A: b\r\n Content-Length: 2\r\n\r\nab"
                        + get("/smuggled");
        AnsweringRouter router = new AnsweringRouter();
        EmbeddedChannel atOnce = connection(router);
        send(atOnce, folded);
        EmbeddedChannel byteByByte = connection(router);
        for (char c : folded.toCharArray()) {
            send(byteByByte, String.valueOf(c));
        }
        EmbeddedChannel tab = connection(router);
        send(
                tab,
                "POST /events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n\tchunked\r\n\r\n"
                        + "2\r\nab\r\n0\r\n\r\n"
                        + get("/smuggled"));
        EmbeddedChannel trailer = connection(router);
        send(
                trailer,
                "POST /events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "2\r\nab\r\n0\r\nX-T: a\r\n b\r\n\r\n"
                        + get("/smuggled"));

        assertThat(statuses(atOnce)).containsExactly(400);
        assertThat(statuses(byteByByte)).containsExactly(400);
        assertThat(statuses(tab)).containsExactly(400);
        assertThat(statuses(trailer)).containsExactly(400);
        assertThat(router.routed).isEmpty();

        EmbeddedChannel inABody = connection(router); // a body's lines are no field lines
        send(inABody, postHead(4, null) + "a\n b" + get("/after"));
        assertThat(statuses(inABody)).containsExactly(200, 200);
    }

    /**
     * Empty list elements beside chunked pass the framing check, so the decoder must read the body
     * as chunked too, or what follows it would be framed otherwise than a proxy frames it.
     */
    @Test
    void aChunkedBodyBesideEmptyListElementsIsRoutedWhole() {
        AnsweringRouter router = new AnsweringRouter();
        EmbeddedChannel channel = connection(router);
        send(
                channel,
                "POST /events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: , chunked\r\n"
                        + "Transfer-Encoding: ,\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n"
                        + get("/health"));
        assertThat(statuses(channel)).containsExactly(200, 200);
        assertThat(router.routed).containsExactly("/events abc", "/health ");
    }

    @Test
    void anOversizedBodyExpectingAContinueIsRefusedInItsTurn() {
        HoldingRouter router = new HoldingRouter();
        EmbeddedChannel channel = connection(router);
        send(
                channel,
                get("/first")
                        + "POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n"
                        + "Expect: 100-continue\r\n\r\n");
        assertThat(statuses(channel)).as("nothing ahead of /first's answer").isEmpty();
        router.held.get(0).send(200, "{}");
        channel.runPendingTasks();
        assertThat(statuses(channel)).containsExactly(200, 413);
        assertThat(router.paths).containsExactly("/first");
        closesAfterTheLinger(channel);
    }

    @Test
    void anUnsupportedExpectationIsRefusedInItsTurn() {
        HoldingRouter router = new HoldingRouter();
        EmbeddedChannel channel = connection(router);
        send(
                channel,
                get("/first")
                        + "POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                        + "Expect: coffee\r\n\r\nab");
        assertThat(statuses(channel)).isEmpty();
        router.held.get(0).send(200, "{}");
        channel.runPendingTasks();
        assertThat(statuses(channel)).containsExactly(200, 417);
        assertThat(router.paths).containsExactly("/first");
    }

    @Test
    void aContinueIsSentOnlyWhenNoAnswerIsInProgress() {
        AnsweringRouter router = new AnsweringRouter();
        EmbeddedChannel channel = connection(router);
        send(
                channel,
                "POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                        + "Expect: 100-continue\r\n\r\n");
        assertThat(statuses(channel)).containsExactly(100);
        send(channel, "ab");
        assertThat(statuses(channel)).containsExactly(200);
        assertThat(router.routed).containsExactly("/events ab");

        HoldingRouter holding = new HoldingRouter();
        EmbeddedChannel pipelined = connection(holding);
        send(
                pipelined,
                get("/first")
                        + "POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                        + "Expect: 100-continue\r\n\r\nab");
        assertThat(statuses(pipelined)).as("no 100 ahead of /first's answer").isEmpty();
        holding.held.get(0).send(200, "{}");
        pipelined.runPendingTasks();
        holding.held.get(1).send(202, "{}");
        pipelined.runPendingTasks();
        assertThat(statuses(pipelined)).containsExactly(200, 202);
    }

    @Test
    void aRouterThatAnswersAndThenFailsRoutesNothingQueuedBehindIt() {
        List<String> routed = new ArrayList<>();
        EmbeddedChannel channel =
                connection(
                        (request, exchange) -> {
                            routed.add(request.uri());
                            exchange.send(200, "{}");
                            throw new IllegalStateException("a bug after the answer");
                        });
        send(channel, get("/a") + get("/b"));
        assertThat(routed).containsExactly("/a");
        assertThat(channel.isOpen()).isFalse();
    }

    /**
     * Past the idle timeout a request in progress keeps its connection open, but an answer the
     * client has not read all that time does not: the requests queued behind it give back their
     * bodies' budget.
     */
    @Test
    void aConnectionWhoseClientReadsNoAnswerIsClosedWhenIdleEvenWithARequestInProgress() {
        HoldingRouter answered = new HoldingRouter();
        EmbeddedChannel doneClient = connection(answered);
        send(doneClient, get("/a"));
        answered.held.get(0).send(200, "{}");
        doneClient.runPendingTasks();
        idle(doneClient);
        assertThat(doneClient.isOpen()).as("nothing to do").isFalse();

        HoldingRouter reading = new HoldingRouter();
        EmbeddedChannel readingClient = connection(reading);
        send(readingClient, get("/a") + get("/b"));
        reading.held.get(0).send(200, "{}");
        readingClient.runPendingTasks();
        assertThat(reading.held).hasSize(2); // "/b" in progress
        idle(readingClient);
        assertThat(readingClient.isOpen()).isTrue();

        HoldingRouter stalled = new HoldingRouter();
        EmbeddedChannel stalledClient = new UnreadChannel();
        HttpConnection.initialize(stalledClient, stalled, new ConnectionCount(10), LIMITS);
        send(stalledClient, get("/a") + get("/b"));
        stalled.held.get(0).send(200, "{}");
        stalledClient.runPendingTasks();
        assertThat(stalled.held).hasSize(1); // "/b" waits for "/a"'s answer to be taken
        idle(stalledClient);
        assertThat(stalledClient.isOpen()).isFalse();
    }

    /**
     * A request's clock stopped when the one before it was read whole, and only a buffer arriving
     * while none ran started one, so a partial request in the same buffer had none: only the idle
     * timeout closed it, silently. It gets 408 after the read timeout, in its turn.
     */
    @Test
    void aPartialRequestPipelinedBehindAWholeOneIs408AfterTheReadTimeout() {
        HoldingRouter router = new HoldingRouter();
        EmbeddedChannel channel = connection(router);
        send(channel, get("/a") + "GET /b HT");
        router.held.get(0).send(200, "{}");
        channel.runPendingTasks();

        channel.advanceTimeBy(LIMITS.readTimeoutMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(LIMITS.readTimeoutMillis()).isLessThan(LIMITS.idleTimeoutMillis());
        assertThat(statuses(channel)).containsExactly(200, 408);
        assertThat(router.paths).containsExactly("/a");
    }

    /** A whole request with nothing after it starts no clock for the next one. */
    @Test
    void aWholeRequestLeavesNoClockRunning() {
        HoldingRouter router = new HoldingRouter();
        EmbeddedChannel channel = connection(router);
        send(channel, get("/a") + "\r\n");
        router.held.get(0).send(200, "{}");
        channel.runPendingTasks();

        channel.advanceTimeBy(LIMITS.readTimeoutMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(statuses(channel)).containsExactly(200);
        assertThat(channel.isOpen()).isTrue();
    }

    /**
     * The gateway's own time on the request before does not count against a request pipelined
     * behind it: its clock starts when reading resumes, not while the gateway stopped reading.
     */
    @Test
    void aPipelinedRequestIsNotTimedWhileTheOneBeforeIsHandled() {
        HoldingRouter router = new HoldingRouter();
        EmbeddedChannel channel = connection(router);
        send(channel, get("/a") + "GET /b HT");
        channel.advanceTimeBy(LIMITS.readTimeoutMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        router.held.get(0).send(200, "{}");
        channel.runPendingTasks();
        send(channel, "TP/1.1\r\nHost: x\r\n\r\n");
        router.held.get(1).send(200, "{}");
        channel.runPendingTasks();

        assertThat(statuses(channel)).containsExactly(200, 200);
        assertThat(router.paths).containsExactly("/a", "/b");
    }

    /** Line ends read on their own between requests start no clock: the connection stays idle. */
    @Test
    void lineEndsReadAloneBetweenRequestsStartNoClock() {
        HoldingRouter router = new HoldingRouter();
        EmbeddedChannel channel = connection(router);
        send(channel, get("/a"));
        router.held.get(0).send(200, "{}");
        channel.runPendingTasks();
        send(channel, "\r\n");

        channel.advanceTimeBy(LIMITS.readTimeoutMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(statuses(channel)).containsExactly(200);
        assertThat(channel.isOpen()).isTrue();
    }

    /**
     * What the idle handler sends past the idle timeout (its clock is the system's, which an
     * embedded channel cannot advance).
     */
    private static void idle(EmbeddedChannel channel) {
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        channel.runPendingTasks();
    }

    /** A channel whose client takes no bytes: what is flushed stays in its outbound buffer. */
    private static final class UnreadChannel extends EmbeddedChannel {
        @Override
        protected void doWrite(ChannelOutboundBuffer in) {}
    }

    private static void closesAfterTheLinger(EmbeddedChannel channel) {
        assertThat(channel.isOpen()).isTrue(); // the client reads the answer first
        channel.advanceTimeBy(Exchange.LINGER_MILLIS, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isFalse();
    }
}
