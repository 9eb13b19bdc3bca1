package io.streamrec.gateway;

import io.streamrec.config.CommandLine;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.configuration.Configuration;

/**
 * Runs the HTTP gateway until it is stopped. Arguments: {@code -Dkey=value} for gateway options
 * ({@link GatewayOptions}) and the job's Kafka options (bootstrap servers, topics, properties).
 */
public final class GatewayMain {
    private static final CommandLine.Spec ARGUMENTS =
            CommandLine.spec("deploy/gateway.sh")
                    .options("a gateway option (gateway.*) or the job's Kafka and topic options");

    private GatewayMain() {}

    public static void main(String[] args) throws Exception {
        Configuration conf = ARGUMENTS.parseOrExit(args).options();
        GatewayServer server = new GatewayServer(conf);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    server.close();
                                    stopped.countDown();
                                }));
        System.out.println("streamrec gateway at " + server.uri());
        System.out.println("  POST " + server.uri() + "/events");
        System.out.println("  GET  " + server.uri() + "/recommendations/{userId}?k=10");
        System.out.println("  GET  " + server.uri() + "/health");
        stopped.await();
    }
}
