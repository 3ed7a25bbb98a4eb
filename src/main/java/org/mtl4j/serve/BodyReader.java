package org.mtl4j.serve;

import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.Connectors;
import io.undertow.server.HttpServerExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSourceChannel;

/**
 * Reads a request body on the connection's IO thread without blocking any thread: bytes are taken
 * as they arrive, and the handler runs once the body is complete. A body over {@code maxBytes}
 * (declared or counted) gets a 413 as soon as it passes the limit; Undertow then discards the rest,
 * up to the server's entity limit, so that a client that sends its whole body before reading can
 * still read the answer, and closes the connection beyond that. A body that is not complete within
 * {@code timeoutMillis} of its headers gets a 408 and its connection is closed, so a client that
 * sends part of a body and goes silent holds no thread and no connection for long.
 */
final class BodyReader implements ChannelListener<StreamSourceChannel> {
    /** Runs when the whole body has arrived, inside Undertow's handler context (may dispatch). */
    interface Complete {
        void body(HttpServerExchange ex, byte[] body);
    }

    /** Answers a body that cannot be taken: its status and the message for the client. */
    interface Refuse {
        void refuse(HttpServerExchange ex, int status, String message);
    }

    private final HttpServerExchange ex;
    private final StreamSourceChannel channel;
    private final int maxBytes;
    private final Complete complete;
    private final Refuse refuse;
    private final ByteArrayOutputStream buf;
    private final byte[] copy;
    private long total;
    private boolean finished;
    private XnioExecutor.Key timer;

    private BodyReader(HttpServerExchange ex, int maxBytes, Complete complete, Refuse refuse) {
        this.ex = ex;
        this.channel = ex.getRequestChannel();
        this.maxBytes = maxBytes;
        this.complete = complete;
        this.refuse = refuse;
        long declared = ex.getRequestContentLength();
        this.buf =
                new ByteArrayOutputStream(
                        declared > 0 && declared <= maxBytes ? (int) declared : 1024);
        this.copy = new byte[16 * 1024];
    }

    /**
     * Starts reading the body of {@code ex}; call from the handler on the IO thread. Exactly one of
     * {@code complete} and {@code refuse} runs, now or later.
     */
    static void read(
            HttpServerExchange ex,
            int maxBytes,
            long timeoutMillis,
            Complete complete,
            Refuse refuse) {
        if (ex.isRequestComplete()) {
            complete.body(ex, new byte[0]);
            return;
        }
        BodyReader r = new BodyReader(ex, maxBytes, complete, refuse);
        r.timer = ex.getIoThread().executeAfter(r::expire, timeoutMillis, TimeUnit.MILLISECONDS);
        if (ex.getRequestContentLength() > maxBytes) {
            r.finish(false, 413, tooLarge(maxBytes), true);
        } else {
            r.pump(false);
        }
    }

    static String tooLarge(int maxBytes) {
        return "request body over "
                + maxBytes
                + " bytes; send fewer records per request (or start the server with a larger"
                + " --max-body)";
    }

    @Override
    public void handleEvent(StreamSourceChannel c) {
        pump(true);
    }

    /** Reads what has arrived; {@code later} when called from the channel's read listener. */
    private void pump(boolean later) {
        if (finished) {
            return;
        }
        try (PooledByteBuffer pooled = ex.getConnection().getByteBufferPool().allocate()) {
            ByteBuffer b = pooled.getBuffer();
            while (true) {
                b.clear();
                int n;
                try {
                    n = channel.read(b);
                } catch (io.undertow.server.RequestTooBigException e) {
                    finish(later, 413, tooLarge(maxBytes), false);
                    return;
                } catch (IOException e) {
                    // the client reset the connection, or stopped sending: nobody to answer
                    finish(later, 400, "the request body could not be read", false);
                    return;
                }
                if (n < 0) {
                    finish(later, 200, null, true);
                    return;
                }
                if (n == 0) {
                    if (!later) {
                        channel.getReadSetter().set(this);
                        channel.resumeReads();
                    }
                    return;
                }
                total += n;
                if (total > maxBytes) {
                    finish(later, 413, tooLarge(maxBytes), true);
                    return;
                }
                b.flip();
                while (b.hasRemaining()) {
                    int k = Math.min(b.remaining(), copy.length);
                    b.get(copy, 0, k);
                    buf.write(copy, 0, k);
                }
            }
        }
    }

    /**
     * Hands the body on (status 200) or refuses it. After a refusal that leaves the connection open
     * ({@code keepOpen}), the timer stays set: a client still sending when it fires is cut off.
     */
    private void finish(boolean later, int status, String message, boolean keepOpen) {
        finished = true;
        channel.suspendReads();
        channel.getReadSetter().set(null);
        if (status == 200 || !keepOpen) {
            timer.remove();
        }
        if (!keepOpen) {
            ex.setPersistent(false);
        }
        byte[] body = status == 200 ? buf.toByteArray() : null;
        io.undertow.server.HttpHandler answer =
                e -> {
                    if (body != null) {
                        complete.body(e, body);
                    } else {
                        refuse.refuse(e, status, message);
                    }
                };
        if (later) {
            Connectors.executeRootHandler(answer, ex);
        } else {
            try {
                answer.handleRequest(ex);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The read timeout: a body still arriving gets a 408 and its connection is closed. */
    private void expire() {
        if (!finished) {
            finish(
                    true,
                    408,
                    "the request body did not arrive within the server's read timeout",
                    false);
        } else if (!ex.isRequestComplete()) {
            IoUtils.safeClose(ex.getConnection());
        }
    }
}
