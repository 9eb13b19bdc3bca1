package io.streamrec.gateway;

import java.util.concurrent.CountDownLatch;
import org.apache.flink.configuration.Configuration;

/**
 * Runs the HTTP gateway until it is stopped. Arguments: {@code -Dkey=value} for gateway options
 * ({@link GatewayOptions}) and the job's Kafka options (bootstrap servers, topics, properties).
 */
public final class GatewayMain {
    private GatewayMain() {}

    public static void main(String[] args) throws Exception {
        Configuration conf = new Configuration();
        for (String arg : args) {
            if (!arg.startsWith("-D") || !arg.contains("=")) {
                throw new IllegalArgumentException("expected -Dkey=value, got " + arg);
            }
            conf.setString(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
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
