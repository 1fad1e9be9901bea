// A counting HTTP sink for the network replay rows of scripts/bench.sh. Bench only.
//
// The exporter tests use Tests/Servers/ingest_server.py, which decodes and checks everything with the
// official opentelemetry-proto classes. A replay sends one request at a time per exporter, so every
// microsecond the server spends before answering adds to the replay's time. Measured on the 2-core
// machine with 1,000,000 events at the default batch sizes, ingest_server.py --quiet (Python's
// ThreadingHTTPServer) made `replay --to custom` take 17.5 s (8.5 s of server CPU) where this sink
// takes 8 s; a Python sink that only inflated and counted still spent 80-160 µs per request. This
// sink answers as soon as it has read a request, then inflates and counts the body on the
// connection's thread (the next request of that connection only comes after the answer anyway).
//
//     cc -O2 -o bench-sink scripts/bench-sink.c -lz -lpthread
//     bench-sink [--parent PID]
//         listens on 127.0.0.1 on a free port and prints "PORT <n>"; exits on SIGTERM, or once
//         process PID (the bench script) is gone
//
// Every POST/PUT/PATCH gets 200 with the protocol's success body, then is counted:
//     path ending in /v1/traces  OTLP/HTTP protobuf (not JSON) ExportTraceServiceRequest: "spans", and "roots",
//                                the spans without a parent (runra-events sends one root span per run)
//     path ending in /v1/logs    ExportLogsServiceRequest: "logs"
//     path containing /ingest    Axiom NDJSON: "lines"
//     any other path             custom {"events":[...]}: "events", the occurrences of the marker
//                                {"id":" (the bench checks that its input has exactly one per line)
//     a body that cannot be inflated or walked counts under "badBodies"
// GET /_counts waits until every request answered so far is counted, then returns the counts, with
// "requests", "bodyBytes" (as sent) and "serverSeconds" (from a request's first byte to its answer
// written, summed: the share of a replay spent in this server).
//
// Latency (the live shipping row): an Axiom line holding `"t_ns":N` (N: when the writer wrote it, ns since
// the epoch) counts its write-to-acknowledgement time, now minus N when its request was answered, in
// 100 µs buckets; /_counts adds "latencyCount", "latencyP50Ms", "latencyP99Ms" and "latencyMaxMs".
//
// The protobuf walk reads the outer messages (request → resource → scope → span or record) and, in
// a span, the fields before `name` (5): encoders write fields in field-number order, as the protobuf
// specification recommends and runra-events does.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t settled = PTHREAD_COND_INITIALIZER;
static long long requests, body_bytes, events, lines, spans, roots, logs, bad_bodies, pending;
static double server_seconds;
#define LATENCY_BUCKETS 600000  // 100 µs each: up to 60 s
static long long latency[LATENCY_BUCKETS], latency_count, latency_max_us;

static long long realtime_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

// Counts the write-to-acknowledgement time of each line holding "t_ns":N (call holding `lock`).
static void count_latency(const unsigned char *body, size_t length, long long answered_ns) {
    static const char key[] = "\"t_ns\":";
    const unsigned char *p = body, *end = body + length;
    while ((p = memmem(p, end - p, key, sizeof key - 1))) {
        p += sizeof key - 1;
        long long written = 0;
        while (p < end && *p >= '0' && *p <= '9') written = written * 10 + (*p++ - '0');
        long long us = (answered_ns - written) / 1000;
        if (us < 0) us = 0;
        long long bucket = us / 100;
        if (bucket >= LATENCY_BUCKETS) bucket = LATENCY_BUCKETS - 1;
        latency[bucket]++;
        latency_count++;
        if (us > latency_max_us) latency_max_us = us;
    }
}

// The q-quantile of the latencies in ms (the bucket's upper edge), 0 when there are none.
static double latency_quantile(double q) {
    if (!latency_count) return 0;
    long long rank = (long long)(q * latency_count), seen = 0;
    for (long long i = 0; i < LATENCY_BUCKETS; i++)
        if ((seen += latency[i]) > rank) return (i + 1) / 10.0;
    return LATENCY_BUCKETS / 10.0;
}

typedef struct {
    unsigned char *data;
    size_t length, capacity;
} buffer;

static void reserve(buffer *b, size_t extra) {
    if (b->length + extra <= b->capacity) return;
    size_t capacity = b->capacity ? b->capacity : 65536;
    while (capacity < b->length + extra) capacity *= 2;
    b->data = realloc(b->data, capacity);
    if (!b->data) abort();
    b->capacity = capacity;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

// MARK: Counting

static int varint(const unsigned char *p, const unsigned char *end, const unsigned char **next, uint64_t *value) {
    uint64_t result = 0;
    for (int shift = 0; shift < 64 && p < end; shift += 7) {
        unsigned char byte = *p++;
        result |= (uint64_t)(byte & 0x7F) << shift;
        if (byte < 0x80) {
            *next = p;
            *value = result;
            return 1;
        }
    }
    return 0;
}

// The next field of [*p, end): its number, wire type, payload; 0 at the end, -1 when malformed.
static int field(const unsigned char **p, const unsigned char *end, uint64_t *number, int *wire,
                 const unsigned char **payload, size_t *length) {
    if (*p >= end) return 0;
    uint64_t key, size;
    if (!varint(*p, end, p, &key)) return -1;
    *number = key >> 3;
    *wire = key & 7;
    *payload = *p;
    switch (*wire) {
    case 0:
        if (!varint(*p, end, p, &size)) return -1;
        *length = *p - *payload;
        return 1;
    case 1: size = 8; break;
    case 5: size = 4; break;
    case 2:
        if (!varint(*p, end, p, &size)) return -1;
        *payload = *p;
        break;
    default: return -1;
    }
    if (size > (size_t)(end - *p)) return -1;
    *p += size;
    *length = size;
    return 1;
}

static int has_parent(const unsigned char *p, const unsigned char *end) {
    uint64_t number;
    int wire, status;
    const unsigned char *payload;
    size_t length;
    while ((status = field(&p, end, &number, &wire, &payload, &length)) == 1) {
        if (number == 4) return length > 0;
        if (number > 4) return 0;
    }
    return status < 0 ? -1 : 0;
}

// Spans (and root spans) or log records of an Export{Trace,Logs}ServiceRequest; 0 when malformed.
static int count_otlp(const unsigned char *data, size_t size, int traces, long long *items, long long *rootCount) {
    const unsigned char *p = data, *end = data + size, *payload, *q, *r, *payload2, *payload3;
    uint64_t number;
    int wire, status, status2, status3;
    size_t length, length2, length3;
    while ((status = field(&p, end, &number, &wire, &payload, &length)) == 1) {
        if (number != 1 || wire != 2) continue;  // resource_spans / resource_logs
        q = payload;
        while ((status2 = field(&q, payload + length, &number, &wire, &payload2, &length2)) == 1) {
            if (number != 2 || wire != 2) continue;  // scope_spans / scope_logs
            r = payload2;
            while ((status3 = field(&r, payload2 + length2, &number, &wire, &payload3, &length3)) == 1) {
                if (number != 2 || wire != 2) continue;  // spans / log_records
                *items += 1;
                if (traces) {
                    int parent = has_parent(payload3, payload3 + length3);
                    if (parent < 0) return 0;
                    if (!parent) *rootCount += 1;
                }
            }
            if (status3 < 0) return 0;
        }
        if (status2 < 0) return 0;
    }
    return status == 0;
}

static int ends_with(const char *text, const char *suffix) {
    size_t a = strlen(text), b = strlen(suffix);
    return a >= b && memcmp(text + a - b, suffix, b) == 0;
}

// Inflates a gzip body into `out`; 0 when it is not valid gzip.
static int inflate_all(const unsigned char *data, size_t size, buffer *out) {
    z_stream stream = {0};
    if (inflateInit2(&stream, 15 + 32) != Z_OK) return 0;
    stream.next_in = (unsigned char *)data;
    stream.avail_in = size;
    out->length = 0;
    int status;
    do {
        reserve(out, size * 4 + 65536);
        stream.next_out = out->data + out->length;
        stream.avail_out = out->capacity - out->length;
        status = inflate(&stream, Z_NO_FLUSH);
        out->length = out->capacity - stream.avail_out;
    } while (status == Z_OK);
    inflateEnd(&stream);
    return status == Z_STREAM_END;
}

static void count(const char *path, int gzipped, const unsigned char *raw, size_t size, buffer *scratch,
                  long long answered_ns) {
    const unsigned char *body = raw;
    size_t length = size;
    long long e = 0, l = 0, s = 0, ro = 0, lg = 0, bad = 0;
    if (gzipped) {
        if (inflate_all(raw, size, scratch)) {
            body = scratch->data;
            length = scratch->length;
        } else {
            bad = 1;
        }
    }
    if (!bad) {
        if (ends_with(path, "/v1/traces")) {
            bad = !count_otlp(body, length, 1, &s, &ro);
        } else if (ends_with(path, "/v1/logs")) {
            bad = !count_otlp(body, length, 0, &lg, &ro);
        } else if (strstr(path, "/ingest")) {
            for (const unsigned char *p = body, *end = body + length; (p = memchr(p, '\n', end - p)); p++) l++;
            if (length && body[length - 1] != '\n') l++;
        } else {
            static const char marker[] = "{\"id\":\"";
            const unsigned char *p = body, *end = body + length;
            while ((p = memmem(p, end - p, marker, sizeof marker - 1))) {
                e++;
                p += sizeof marker - 1;
            }
        }
    }
    pthread_mutex_lock(&lock);
    if (bad && !bad_bodies) fprintf(stderr, "bench-sink: unreadable body on %s (reported once)\n", path);
    events += e, lines += l, spans += s, roots += ro, logs += lg, bad_bodies += bad;
    if (!bad && l && strstr(path, "/ingest")) count_latency(body, length, answered_ns);
    body_bytes += size;
    pending -= 1;
    if (pending == 0) pthread_cond_broadcast(&settled);
    pthread_mutex_unlock(&lock);
}

// MARK: HTTP

static int write_all(int fd, const char *data, size_t size) {
    while (size) {
        ssize_t n = write(fd, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return 0;
        data += n, size -= n;
    }
    return 1;
}

static int reply(int fd, const char *status, const char *type, const char *body, size_t size) {
    char head[256];
    int n = snprintf(head, sizeof head, "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n", status,
                     type, size);
    char message[4096];
    if (n + size <= sizeof message) {  // one write: one segment
        memcpy(message, head, n);
        memcpy(message + n, body, size);
        return write_all(fd, message, n + size);
    }
    return write_all(fd, head, n) && write_all(fd, body, size);
}

// Reads until `in` holds at least `want` bytes; 0 at EOF or error.
static int fill(int fd, buffer *in, size_t want) {
    while (in->length < want) {
        reserve(in, want - in->length > 65536 ? want - in->length : 65536);
        ssize_t n = read(fd, in->data + in->length, in->capacity - in->length);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return 0;
        in->length += n;
    }
    return 1;
}

static void *connection(void *argument) {
    int fd = (int)(intptr_t)argument;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    buffer in = {0}, body = {0}, scratch = {0};
    for (;;) {
        // The head: up to the blank line.
        unsigned char *blank;
        while (!(blank = in.length ? memmem(in.data, in.length, "\r\n\r\n", 4) : NULL))
            if (in.length > 65536 || !fill(fd, &in, in.length + 1)) goto done;
        double started = now();
        size_t head_length = blank + 4 - in.data;
        if (head_length > 65536) goto done;
        char head[65540];
        memcpy(head, in.data, head_length);
        head[head_length] = 0;
        char method[16] = {0}, path[4096] = {0};
        if (sscanf(head, "%15s %4095s", method, path) != 2) goto done;
        char *query = strchr(path, '?');
        if (query) *query = 0;
        size_t content_length = 0;
        int gzipped = 0, chunked = 0, close_after = 0;
        for (char *line = strstr(head, "\r\n"); line && line[2]; line = strstr(line + 2, "\r\n")) {
            char *name = line + 2, *colon = strchr(name, ':'), *eol = strstr(name, "\r\n");
            if (!colon || colon > eol) continue;
            char *value = colon + 1;
            while (*value == ' ') value++;
            size_t name_length = colon - name;
            if (name_length == 14 && !strncasecmp(name, "content-length", 14)) content_length = strtoull(value, NULL, 10);
            if (name_length == 16 && !strncasecmp(name, "content-encoding", 16)) gzipped = !strncasecmp(value, "gzip", 4);
            if (name_length == 17 && !strncasecmp(name, "transfer-encoding", 17)) chunked = !strncasecmp(value, "chunked", 7);
            if (name_length == 10 && !strncasecmp(name, "connection", 10)) close_after = !strncasecmp(value, "close", 5);
        }
        memmove(in.data, in.data + head_length, in.length - head_length);
        in.length -= head_length;
        body.length = 0;
        if (chunked) {
            for (;;) {
                unsigned char *eol;
                while (!(eol = in.length ? memmem(in.data, in.length, "\r\n", 2) : NULL))
                    if (!fill(fd, &in, in.length + 1)) goto done;
                size_t size = strtoull((char *)in.data, NULL, 16), skip = eol + 2 - in.data;
                if (!fill(fd, &in, skip + size + 2)) goto done;
                if (size == 0) {  // no trailers expected
                    memmove(in.data, in.data + skip + 2, in.length - skip - 2);
                    in.length -= skip + 2;
                    break;
                }
                reserve(&body, size);
                memcpy(body.data + body.length, in.data + skip, size);
                body.length += size;
                memmove(in.data, in.data + skip + size + 2, in.length - skip - size - 2);
                in.length -= skip + size + 2;
            }
        } else {
            if (!fill(fd, &in, content_length)) goto done;
            reserve(&body, content_length);
            memcpy(body.data, in.data, content_length);
            body.length = content_length;
            memmove(in.data, in.data + content_length, in.length - content_length);
            in.length -= content_length;
        }

        if (!strcmp(method, "POST") || !strcmp(method, "PUT") || !strcmp(method, "PATCH")) {
            pthread_mutex_lock(&lock);
            pending += 1;
            pthread_mutex_unlock(&lock);
            int ok;
            if (ends_with(path, "/v1/traces") || ends_with(path, "/v1/logs")) {
                ok = reply(fd, "200 OK", "application/x-protobuf", "", 0);  // an empty Export*ServiceResponse
            } else if (strstr(path, "/ingest")) {
                static const char status[] = "{\"failed\":0,\"failures\":[]}";
                ok = reply(fd, "200 OK", "application/json", status, sizeof status - 1);
            } else {
                ok = reply(fd, "200 OK", "application/json", "{\"ok\":true}", 11);
            }
            double elapsed = now() - started;
            long long answered_ns = realtime_ns();
            pthread_mutex_lock(&lock);
            requests += 1;
            server_seconds += elapsed;
            pthread_mutex_unlock(&lock);
            count(path, gzipped, body.data, body.length, &scratch, answered_ns);
            if (!ok) goto done;
        } else if (!strcmp(method, "GET") && !strcmp(path, "/_counts")) {
            char json[768];
            pthread_mutex_lock(&lock);
            while (pending > 0) pthread_cond_wait(&settled, &lock);
            int n = snprintf(json, sizeof json,
                             "{\"requests\":%lld,\"bodyBytes\":%lld,\"serverSeconds\":%.6f,\"events\":%lld,"
                             "\"lines\":%lld,\"spans\":%lld,\"roots\":%lld,\"logs\":%lld,\"badBodies\":%lld,"
                             "\"latencyCount\":%lld,\"latencyP50Ms\":%.1f,\"latencyP99Ms\":%.1f,\"latencyMaxMs\":%.1f}",
                             requests, body_bytes, server_seconds, events, lines, spans, roots, logs, bad_bodies,
                             latency_count, latency_quantile(0.5), latency_quantile(0.99), latency_max_us / 1000.0);
            pthread_mutex_unlock(&lock);
            if (!reply(fd, "200 OK", "application/json", json, n)) goto done;
        } else {
            static const char missing[] = "{\"message\":\"not found\"}";
            if (!reply(fd, "404 Not Found", "application/json", missing, sizeof missing - 1)) goto done;
        }
        if (close_after) goto done;
    }
done:
    close(fd);
    free(in.data);
    free(body.data);
    free(scratch.data);
    return NULL;
}

static void *watch_parent(void *argument) {
    pid_t parent = (pid_t)(intptr_t)argument;
    for (;;) {
        if (kill(parent, 0) != 0 && errno == ESRCH) _exit(0);
        sleep(1);
    }
    return NULL;
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    pthread_t thread;
    if (argc == 3 && !strcmp(argv[1], "--parent"))
        pthread_create(&thread, NULL, watch_parent, (void *)(intptr_t)atoi(argv[2]));
    int server = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = 0};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (bind(server, (struct sockaddr *)&address, sizeof address) || listen(server, 128) ||
        getsockname(server, (struct sockaddr *)&address, &size)) {
        perror("bench-sink");
        return 1;
    }
    printf("PORT %d\n", ntohs(address.sin_port));
    fflush(stdout);
    for (;;) {
        int fd = accept(server, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            perror("bench-sink: accept");
            return 1;
        }
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&thread, &attributes, connection, (void *)(intptr_t)fd)) close(fd);
        pthread_attr_destroy(&attributes);
    }
}
