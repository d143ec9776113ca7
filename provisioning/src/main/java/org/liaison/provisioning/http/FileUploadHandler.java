package org.liaison.provisioning.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.Optional;
import org.liaison.provisioning.client.ClientUrls;
import org.liaison.provisioning.files.FileStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams {@code POST /files} (RCS File Transfer over HTTP, GSMA RCC.07 §3.5.4.8.3) to disk, ahead of
 * the 8 KiB aggregator that every other request goes through. The head is judged before a byte of
 * the body is read: digest signature (401 otherwise), quota (507), declared size (413). An empty
 * signed POST gets 204, the RCS "go ahead" liblinphone waits for. A multipart body is decoded by
 * Netty's multipart decoder into a file under {@code data.dir/files/incoming}, bounded while it is
 * read: no more than {@code files.max-bytes} (or what is left of the quota) is written, and one
 * decoded chunk at a time is held (auto-read is off while a body streams, so a fast sender waits
 * for the disk instead of filling the heap). The complete file is then kept by {@link FileStore}
 * (fsync'd and renamed) before the 200 that carries the file-info document.
 *
 * <p>A body refused half-way (too big, over quota) is answered at once with {@code Connection:
 * close}; up to {@link #LINGER_BYTES} more of it are read and dropped so that the client reads the
 * answer rather than a reset, then the connection is closed: draining a 100 MB body nobody wants
 * would cost the server its bandwidth, and liblinphone gives up on any answer but 204 and 200.
 */
final class FileUploadHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(FileUploadHandler.class);
    /** What multipart framing (boundaries, part headers) may add to the file's own size. */
    static final long MULTIPART_OVERHEAD_BYTES = 16 * 1024;
    /** How much of a refused body is read and dropped before the connection is closed. */
    static final long LINGER_BYTES = 1024 * 1024;
    /** Decoded bytes the multipart decoder may keep before it compacts its buffer. */
    private static final int DECODER_DISCARD_THRESHOLD = 64 * 1024;

    private final ProvisioningRoutes routes;
    private final FileStore store;
    private Upload upload;
    /** Whether the rest of the current request's body is read and dropped (after an answer to its head). */
    private boolean dropping;
    /** Whether the connection closes once the dropped body ends, or {@link #LINGER_BYTES} of it were dropped. */
    private boolean closeAfterDrop;
    private long dropLeft;

    /** One body being received. */
    private static final class Upload {
        final Fetch fetch;
        final String user;
        final HttpPostRequestDecoder decoder;
        final long quotaLeft;
        final long limit;
        final boolean keepAlive;
        long received;

        Upload(Fetch fetch, String user, HttpPostRequestDecoder decoder, long quotaLeft, long limit,
                boolean keepAlive) {
            this.fetch = fetch;
            this.user = user;
            this.decoder = decoder;
            this.quotaLeft = quotaLeft;
            this.limit = limit;
            this.keepAlive = keepAlive;
        }
    }

    FileUploadHandler(ProvisioningRoutes routes) {
        this.routes = routes;
        this.store = routes.files().store();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpContent content && (upload != null || dropping)) {
            try {
                if (upload != null) {
                    receive(ctx, content);
                } else {
                    drop(ctx, content);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        if (msg instanceof HttpRequest request && !(msg instanceof HttpContent) && isUpload(request)) {
            begin(ctx, request);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private static boolean isUpload(HttpRequest request) {
        return request.decoderResult().isSuccess() && request.method().equals(HttpMethod.POST)
                && new QueryStringDecoder(request.uri()).path().equals(ClientUrls.FILES);
    }

    private void begin(ChannelHandlerContext ctx, HttpRequest request) {
        Fetch fetch = FetchHandler.fetch(ctx, request);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        long declared = HttpUtil.getContentLength(request, -1L);
        boolean hasBody = HttpUtil.isTransferEncodingChunked(request) || declared > 0;
        // a client waiting for 100 Continue sends no body: the connection cannot be reused after a refusal
        boolean bodyFollows = hasBody && !HttpUtil.is100ContinueExpected(request);
        boolean reusable = keepAlive && !(hasBody && !bodyFollows);
        ProvisioningRoutes.Signature signature = routes.uploader(fetch);
        if (signature instanceof ProvisioningRoutes.Signature.Refused refused) {
            answerEarly(ctx, fetch, refused.reply(), bodyFollows, reusable);
            return;
        }
        String user = ((ProvisioningRoutes.Signature.By) signature).account().username();
        if (!hasBody) {
            // RCS: the empty POST opens the transfer; 204 tells the client to send the file
            answerEarly(ctx, fetch, Reply.empty(204, user), false, keepAlive);
            return;
        }
        long quotaLeft = store.quotaLeft(user);
        long limit = Math.min(store.settings().maxBytes(), quotaLeft);
        if (quotaLeft == 0 || declared > limit + MULTIPART_OVERHEAD_BYTES) {
            answerEarly(ctx, fetch, overLimit(quotaLeft, user), bodyFollows, reusable);
            return;
        }
        if (!HttpPostRequestDecoder.isMultipart(request)) {
            answerEarly(ctx, fetch, Reply.error(415, "send the file as multipart/form-data", user), bodyFollows,
                    reusable);
            return;
        }
        DefaultHttpDataFactory disk = new DefaultHttpDataFactory(true);
        disk.setBaseDir(store.incoming().toString());
        disk.setDeleteOnExit(false); // deleted by destroy(), or at the next start
        disk.setMaxLimit(limit);
        HttpPostRequestDecoder decoder;
        try {
            decoder = new HttpPostRequestDecoder(disk, request);
        } catch (DecoderException e) {
            answerEarly(ctx, fetch, Reply.error(400, "not a multipart/form-data request", user), bodyFollows,
                    reusable);
            return;
        }
        decoder.setDiscardThreshold(DECODER_DISCARD_THRESHOLD);
        upload = new Upload(fetch, user, decoder, quotaLeft, limit, keepAlive);
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        ctx.channel().config().setAutoRead(false);
        ctx.read();
    }

    private void receive(ChannelHandlerContext ctx, HttpContent content) {
        Upload current = upload;
        current.received += content.content().readableBytes();
        boolean last = content instanceof LastHttpContent;
        if (current.received > current.limit + MULTIPART_OVERHEAD_BYTES) {
            fail(ctx, overLimit(current.quotaLeft, current.user), last);
            return;
        }
        try {
            current.decoder.offer(content);
        } catch (DecoderException e) {
            // the decoder refuses a part over its limit, or a body that is not multipart
            fail(ctx, current.received > current.limit ? overLimit(current.quotaLeft, current.user)
                    : Reply.error(400, "not a multipart/form-data body", current.user), last);
            return;
        }
        if (last) {
            finish(ctx);
        } else {
            ctx.read();
        }
    }

    private void finish(ChannelHandlerContext ctx) {
        Upload done = upload;
        Reply reply;
        try {
            Optional<FileUpload> file = done.decoder.getBodyHttpDatas().stream()
                    .filter(d -> d.getHttpDataType() == InterfaceHttpData.HttpDataType.FileUpload)
                    .map(FileUpload.class::cast).filter(FileUpload::isCompleted).findFirst();
            if (file.isEmpty()) {
                reply = Reply.error(400, "no file in the form (liblinphone sends it as the part \"File\")", done.user);
            } else {
                reply = store.keep(done.user, file.get().getFile().toPath(), file.get().getFilename(),
                        file.get().getContentType())
                        .map(kept -> routes.files().uploaded(kept))
                        .orElseGet(() -> overLimit(0, done.user));
            }
        } catch (DecoderException e) {
            reply = Reply.error(400, "an incomplete multipart/form-data body", done.user);
        } catch (IOException e) {
            log.error("cannot keep a shared file of {}: {}", done.user, e.toString());
            reply = Reply.error(503, "the file could not be stored; try again later", done.user);
        }
        end(ctx);
        FetchHandler.send(ctx, routes.settle(done.fetch, reply), done.keepAlive);
    }

    /** Ends the upload with {@code reply}; the rest of its body, if any, is dropped. */
    private void fail(ChannelHandlerContext ctx, Reply reply, boolean bodyDone) {
        Upload failed = upload;
        end(ctx);
        if (bodyDone) {
            FetchHandler.send(ctx, routes.settle(failed.fetch, reply), failed.keepAlive);
        } else {
            answerEarly(ctx, failed.fetch, reply, true, false);
        }
    }

    /**
     * Answers before (or instead of) the rest of the body: what is left of the request is read and
     * dropped, and when a body was still coming the connection is closed after it (or after
     * {@link #LINGER_BYTES} of it).
     */
    private void answerEarly(ChannelHandlerContext ctx, Fetch fetch, Reply reply, boolean bodyFollows,
            boolean keepAlive) {
        Reply settled = routes.settle(fetch, reply);
        dropping = true;
        dropLeft = LINGER_BYTES;
        closeAfterDrop = bodyFollows;
        if (bodyFollows) {
            FetchHandler.write(ctx, settled, false);
        } else {
            FetchHandler.send(ctx, settled, keepAlive);
        }
    }

    private void drop(ChannelHandlerContext ctx, HttpContent content) {
        dropLeft -= content.content().readableBytes();
        if (content instanceof LastHttpContent) {
            dropping = false;
            if (closeAfterDrop) {
                ctx.close();
            }
        } else if (dropLeft < 0) {
            ctx.close();
        }
    }

    /** 507 when the quota is what limits this user now, 413 when the file size does. */
    private Reply overLimit(long quotaLeft, String user) {
        return quotaLeft < store.settings().maxBytes()
                ? Reply.error(507, "this would exceed your quota for shared files; older files expire after "
                        + store.settings().expiry().toDays() + " days", user)
                : Reply.error(413, "larger than the " + store.settings().maxBytes() + " bytes a shared file may have",
                        user);
    }

    /** Deletes what an unfinished upload wrote and lets the connection read freely again. */
    private void end(ChannelHandlerContext ctx) {
        if (upload != null) {
            upload.decoder.destroy();
            upload = null;
        }
        ctx.channel().config().setAutoRead(true);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        end(ctx);
        super.channelInactive(ctx);
    }
}
