#!/usr/bin/env python3
"""A loopback ingest server for the network exporters' tests and benchmarks.

It speaks just enough Axiom (NDJSON ingest), OTLP/HTTP (protobuf and JSON, decoded with the
official `opentelemetry-proto` classes) and plain JSON POST (the `custom` exporter) to check what
runra-events sends, and can be scripted to fail.

    python3 ingest_server.py [--quiet] [--no-stdin-watch] [--grpc]
        prints "PORT <n>" once listening on 127.0.0.1; exits when its standard input closes
        (so a test that dies takes its server along) unless --no-stdin-watch
        --grpc also serves OTLP/gRPC (grpcio, the official TraceService/LogsService stubs) on a
        second port and prints "PORT <n> GRPC <m>"; its calls are recorded like HTTP requests,
        with the gRPC method as "path" and the metadata as "headers"; with --grpc-tls that port
        speaks TLS with a fresh self-signed certificate for localhost/127.0.0.1 (made with the
        openssl command), and the line ends with "TLS <certificate.pem>"

Control endpoints (JSON):
    POST /_control/script   {"responses": [{"status": 503, "headers": {...}, "body": "...",
                              "close": false, "partial": {"rejected": 2, "message": "..."},
                              "path": "/v1/traces"}]}
                            queued responses; each is used once by the next request whose path
                            starts with its "path" (any path when absent). For gRPC calls:
                            {"grpcStatus": 14, "message": "...", "retryDelayMs": 1500, "partial": ...,
                            "delayMs": 3000} (delayMs: answer that late; a call the client cancelled
                            meanwhile is recorded with status "cancelled" and not counted)
                            (retryDelayMs adds a google.rpc.RetryInfo to grpc-status-details-bin)
                            For HTTP, {"delayMs": N} stalls too: the request is read, then not answered
                            for N ms; a client that closes the connection meanwhile (its timeout
                            fired) is recorded with status "cancelled", not counted; one that waits
                            gets the scripted (or normal) answer. With "unread": true the body is
                            left unread while stalling (the server read only the request head)
    GET  /_control/requests every request seen: method, path, query, headers, status replied,
                            and the decoded body (NDJSON lines, JSON, or an OTLP summary)
    GET  /_control/stats    counts of requests and of accepted lines / events / spans / logs
    POST /_control/reset    forget requests, script and counts
--quiet keeps only the counts (for benchmarks).
"""
import base64
import gzip
import hashlib
import json
import os
import select
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

QUIET = "--quiet" in sys.argv


def option(name):
    """The value after `name` on the command line, or None."""
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv[:-1] else None


# --lines-file FILE: every accepted Axiom NDJSON line is appended to FILE (a shipper test compares the ids).
LINES_FILE = option("--lines-file")
LOCK = threading.Lock()
STATE = {"script": [], "requests": [], "stats": {}}


def bump(key, amount=1):
    STATE["stats"][key] = STATE["stats"].get(key, 0) + amount


def any_value(value):
    """An OTLP AnyValue as a typed, JSON-friendly value: "int:3", "str:x", lists, dicts."""
    kind = value.WhichOneof("value")
    if kind == "string_value":
        return "str:" + value.string_value
    if kind == "bool_value":
        return "bool:" + ("true" if value.bool_value else "false")
    if kind == "int_value":
        return "int:%d" % value.int_value
    if kind == "double_value":
        return "double:" + repr(value.double_value)
    if kind == "array_value":
        return [any_value(v) for v in value.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: any_value(kv.value) for kv in value.kvlist_value.values}
    if kind == "bytes_value":
        return "bytes:" + value.bytes_value.hex()
    return None


def attributes(pairs):
    result = {}
    for kv in pairs:
        if kv.key in result:
            raise ValueError("duplicate attribute key %r" % kv.key)
        result[kv.key] = any_value(kv.value)
    return result


def expected_ids(attrs):
    """Trace, span and parent ids by the SPEC §7 rule, computed with hashlib."""
    run = attrs.get("runra.run.id", "str:")[4:]
    trace = hashlib.sha256(("runra/trace/" + run).encode()).digest()[:16].hex()
    root = hashlib.sha256(("runra/span/" + run).encode()).digest()[:8].hex()
    if "runra.event.id" in attrs:
        span = hashlib.sha256(("runra/span/" + run + "/" + attrs["runra.event.id"][4:]).encode()).digest()[:8].hex()
        return trace, span, root
    return trace, root, ""


def summarize_traces(request):
    out = {"resources": [], "spans": []}
    for rs in request.resource_spans:
        out["resources"].append(attributes(rs.resource.attributes))
        for ss in rs.scope_spans:
            for span in ss.spans:
                attrs = attributes(span.attributes)
                trace, span_id, parent = expected_ids(attrs)
                out["spans"].append({
                    "scope": ss.scope.name,
                    "traceId": span.trace_id.hex(), "spanId": span.span_id.hex(),
                    "parentSpanId": span.parent_span_id.hex(), "name": span.name, "kind": span.kind,
                    "start": str(span.start_time_unix_nano), "end": str(span.end_time_unix_nano),
                    "attributes": attrs, "statusCode": span.status.code, "statusMessage": span.status.message,
                    "expectedTraceId": trace, "expectedSpanId": span_id, "expectedParentSpanId": parent,
                })
    return out


def summarize_logs(request):
    out = {"resources": [], "logs": []}
    for rl in request.resource_logs:
        out["resources"].append(attributes(rl.resource.attributes))
        for sl in rl.scope_logs:
            for record in sl.log_records:
                attrs = attributes(record.attributes)
                trace, root, _ = expected_ids({k: v for k, v in attrs.items() if k != "runra.event.id"})
                out["logs"].append({
                    "scope": sl.scope.name,
                    "time": str(record.time_unix_nano), "observed": str(record.observed_time_unix_nano),
                    "severityNumber": record.severity_number, "severityText": record.severity_text,
                    "body": any_value(record.body), "attributes": attrs, "eventName": record.event_name,
                    "traceId": record.trace_id.hex(), "spanId": record.span_id.hex(),
                    "expectedTraceId": trace, "expectedSpanId": root,
                })
    return out


def hex_ids_to_base64(node, sizes={"traceId": 16, "spanId": 8, "parentSpanId": 8}):
    """OTLP/JSON ids are hex; json_format expects base64 (PROTOCOLS §2.3). Converts, strictly."""
    if isinstance(node, dict):
        for key, value in list(node.items()):
            if key in sizes and isinstance(value, str):
                raw = bytes.fromhex(value)  # raises on anything but hex
                if len(raw) != sizes[key]:
                    raise ValueError("%s has %d bytes, expected %d" % (key, len(raw), sizes[key]))
                node[key] = base64.b64encode(raw).decode()
            else:
                hex_ids_to_base64(value)
    elif isinstance(node, list):
        for item in node:
            hex_ids_to_base64(item)


def int64_as_strings(node):
    """True when every *UnixNano and intValue in the JSON is a string (the OTLP/JSON rule)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if (key.endswith("UnixNano") or key == "intValue") and not isinstance(value, str):
                return False
            if not int64_as_strings(value):
                return False
    elif isinstance(node, list):
        return all(int64_as_strings(item) for item in node)
    return True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # one segment per answer: no 40 ms delayed-ACK stall per keep-alive request

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", content_type="application/json", headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, str(value))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = urlsplit(self.path).path
        with LOCK:
            if path == "/_control/requests":
                body = json.dumps({"requests": STATE["requests"]}).encode()
            elif path == "/_control/stats":
                body = json.dumps(STATE["stats"]).encode()
            else:
                return self.reply(404, b'{"message":"not found"}')
        self.reply(200, body)

    def do_PUT(self):
        self.do_POST()

    def do_PATCH(self):
        self.do_POST()

    def do_POST(self):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if not url.path.startswith("/_control/") and self.stall_unread(url):
            return
        raw = self.rfile.read(length) if length else b""
        if url.path == "/_control/script":
            with LOCK:
                STATE["script"].extend(json.loads(raw or b"{}").get("responses", []))
            return self.reply(200, b"{}")
        if url.path == "/_control/reset":
            with LOCK:
                STATE.update(script=[], requests=[], stats={})
            return self.reply(200, b"{}")

        record = {"method": self.command, "path": url.path, "query": url.query,
                  "headers": {k.lower(): v for k, v in self.headers.items()}, "bodyBytes": len(raw)}
        with LOCK:
            bump("requests")
            scripted = None
            for index, entry in enumerate(STATE["script"]):
                if url.path.startswith(entry.get("path", "")):
                    scripted = STATE["script"].pop(index)
                    break
        try:
            body = gzip.decompress(raw) if self.headers.get("Content-Encoding") == "gzip" else raw
            response = self.handle_body(url.path, body, record, scripted)
        except Exception as error:  # a body we cannot decode is the client's bug: 400, recorded
            record["error"] = "%s: %s" % (type(error).__name__, error)
            response = (400, json.dumps({"message": record["error"]}).encode(), "application/json", {})
        if scripted and scripted.get("delayMs") and self.client_gave_up(scripted["delayMs"]):
            record["status"] = "cancelled"
            store(record, None)
            self.close_connection = True
            return
        if scripted and scripted.get("close"):
            record["status"] = "closed"
            store(record, None)
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        status, payload, content_type, headers = response
        record["status"] = status
        store(record, status)
        self.reply(status, payload, content_type, headers)

    def client_gave_up(self, delay_ms):
        """Waits up to `delay_ms` without answering; True when the client closed the connection meanwhile."""
        deadline = time.monotonic() + delay_ms / 1000
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            readable, _, _ = select.select([self.connection], [], [], remaining)
            if readable:
                try:
                    if not self.connection.recv(65536):  # unread body bytes are dropped; EOF: gone
                        return True
                except OSError:  # reset by the client
                    return True

    def stall_unread(self, url):
        """A scripted {"delayMs", "unread": true} for this path: stalls with the body unread. True when
        the request is dealt with (the client gave up); otherwise the entry stays queued."""
        with LOCK:
            entry = next((e for e in STATE["script"] if url.path.startswith(e.get("path", ""))), None)
            if not (entry and entry.get("unread") and entry.get("delayMs")):
                return False
            STATE["script"].remove(entry)
            bump("requests")
        record = {"method": self.command, "path": url.path, "query": url.query, "unread": True,
                  "headers": {k.lower(): v for k, v in self.headers.items()}, "bodyBytes": None}
        if self.client_gave_up(entry["delayMs"]):
            record["status"] = "cancelled"
        else:  # the client waited: the body is lost with the connection, so refuse it (retryable)
            record["status"] = 503
            self.reply(503, b'{"message":"stalled"}')
        store(record, None)
        self.close_connection = True
        return True

    def handle_body(self, path, body, record, scripted):
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        partial = (scripted or {}).get("partial")
        if path in ("/v1/traces", "/v1/logs") or path.endswith("/v1/traces") or path.endswith("/v1/logs"):
            traces = path.endswith("/v1/traces")
            message = (trace_service_pb2.ExportTraceServiceRequest() if traces
                       else logs_service_pb2.ExportLogsServiceRequest())
            if content_type == "application/x-protobuf":
                message.ParseFromString(body)
            elif content_type == "application/json":
                document = json.loads(body)
                record["int64AsStrings"] = int64_as_strings(document)
                hex_ids_to_base64(document)
                json_format.ParseDict(document, message)
            else:
                raise ValueError("unexpected Content-Type %r" % content_type)
            if QUIET:  # count only: summarizing costs more than decoding
                if traces:
                    count = sum(len(ss.spans) for rs in message.resource_spans for ss in rs.scope_spans)
                else:
                    count = sum(len(sl.log_records) for rl in message.resource_logs for sl in rl.scope_logs)
                record["counts"] = {"spans" if traces else "logs": count}
            else:
                summary = summarize_traces(message) if traces else summarize_logs(message)
                record["counts"] = {"spans": len(summary["spans"])} if traces else {"logs": len(summary["logs"])}
                record["otlp"] = summary
            response = (trace_service_pb2.ExportTraceServiceResponse() if traces
                        else logs_service_pb2.ExportLogsServiceResponse())
            if partial:
                if traces:
                    response.partial_success.rejected_spans = partial.get("rejected", 0)
                else:
                    response.partial_success.rejected_log_records = partial.get("rejected", 0)
                response.partial_success.error_message = partial.get("message", "")
            if scripted and "status" in scripted and scripted["status"] != 200:
                return self.scripted(scripted)
            if content_type == "application/json":
                payload = json_format.MessageToJson(response, indent=None).encode()
                return 200, payload, "application/json", {}
            return 200, response.SerializeToString(), "application/x-protobuf", {}

        if "/ingest" in path:  # Axiom: NDJSON, one JSON object per line
            if QUIET:  # count only
                lines = [None] * (body.count(b"\n") + (0 if body.endswith(b"\n") or not body else 1))
            else:
                lines = body.decode("utf-8").split("\n")
                if lines and lines[-1] == "":
                    lines.pop()
                for line in lines:
                    if not isinstance(json.loads(line), dict):
                        raise ValueError("an NDJSON line is not an object")
                record["lines"] = lines
            record["counts"] = {"lines": len(lines)}
            if scripted:
                return self.scripted(scripted)
            status = {"ingested": len(lines), "failed": 0, "failures": [], "processedBytes": len(body),
                      "blocksCreated": 0, "walLength": 0}
            return 200, json.dumps(status).encode(), "application/json", {}

        document = json.loads(body)  # custom: {"events": [...]}
        record["counts"] = {"events": len(document["events"])}
        if not QUIET:
            record["text"] = body.decode("utf-8")
        if scripted:
            return self.scripted(scripted)
        return 200, b'{"ok":true}', "application/json", {}

    def scripted(self, entry):
        return (entry.get("status", 200), entry.get("body", "").encode(),
                entry.get("contentType", "application/json"), entry.get("headers", {}))


def store(record, status):
    """Keeps a request's record and, when it was accepted, adds its counts."""
    with LOCK:
        accepted = status is not None and 200 <= status < 300
        if accepted and LINES_FILE and record.get("lines"):
            with open(LINES_FILE, "a", encoding="utf-8") as lines_file:
                lines_file.write("".join(line + "\n" for line in record["lines"]))
        for key, value in record.pop("counts", {}).items():
            if accepted:
                bump(key, value)
        if not QUIET:
            STATE["requests"].append(record)


TRACES_METHOD = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"
LOGS_METHOD = "/opentelemetry.proto.collector.logs.v1.LogsService/Export"


def grpc_export(request, context, traces):
    """One OTLP/gRPC Export call: recorded and counted like an HTTP request, answered by the script."""
    import grpc
    path = TRACES_METHOD if traces else LOGS_METHOD
    record = {"method": "POST", "path": path, "query": "", "grpc": True, "bodyBytes": request.ByteSize(),
              "headers": {k: v for k, v in context.invocation_metadata() if not k.endswith("-bin")}}
    with LOCK:
        bump("requests")
        scripted = None
        for index, entry in enumerate(STATE["script"]):
            if path.startswith(entry.get("path", "")):
                scripted = STATE["script"].pop(index)
                break
    if (scripted or {}).get("delayMs"):  # a stalled server: answer late, or notice the client gave up
        time.sleep(scripted["delayMs"] / 1000)
        if not context.is_active():
            record["status"] = "cancelled"
            store(record, None)
            return None
    if traces:
        count = sum(len(ss.spans) for rs in request.resource_spans for ss in rs.scope_spans)
    else:
        count = sum(len(sl.log_records) for rl in request.resource_logs for sl in rl.scope_logs)
    record["counts"] = {"spans" if traces else "logs": count}
    if not QUIET:
        record["otlp"] = summarize_traces(request) if traces else summarize_logs(request)
    code = (scripted or {}).get("grpcStatus", 0)
    if code:
        record["status"] = "grpc %d" % code
        store(record, None)
        if "retryDelayMs" in scripted:
            from google.protobuf import any_pb2, duration_pb2
            from google.rpc import error_details_pb2, status_pb2
            delay = scripted["retryDelayMs"]
            info = error_details_pb2.RetryInfo(
                retry_delay=duration_pb2.Duration(seconds=delay // 1000, nanos=(delay % 1000) * 1000000))
            detail = any_pb2.Any()
            detail.Pack(info)
            status = status_pb2.Status(code=code, message=scripted.get("message", ""), details=[detail])
            context.set_trailing_metadata((("grpc-status-details-bin", status.SerializeToString()),))
        names = {c.value[0]: c for c in grpc.StatusCode}
        context.abort(names[code], scripted.get("message", ""))
    record["status"] = 200
    store(record, 200)
    response = (trace_service_pb2.ExportTraceServiceResponse() if traces
                else logs_service_pb2.ExportLogsServiceResponse())
    partial = (scripted or {}).get("partial")
    if partial:
        if traces:
            response.partial_success.rejected_spans = partial.get("rejected", 0)
        else:
            response.partial_success.rejected_log_records = partial.get("rejected", 0)
        response.partial_success.error_message = partial.get("message", "")
    return response


def self_signed_certificate():
    """A throwaway key and certificate for localhost and 127.0.0.1: (key PEM, certificate PEM, certificate path)."""
    import subprocess
    import tempfile
    directory = tempfile.mkdtemp(prefix="ingest-tls-")
    key, certificate = os.path.join(directory, "key.pem"), os.path.join(directory, "certificate.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", key, "-out", certificate], check=True, capture_output=True)
    with open(key, "rb") as k, open(certificate, "rb") as c:
        return k.read(), c.read(), certificate


def start_grpc(tls=False):
    """Serves OTLP/gRPC on a free 127.0.0.1 port; returns (server, port, certificate path or None)."""
    os.environ.setdefault("GRPC_VERBOSITY", "NONE")  # refused handshakes are part of the tests, not news
    from concurrent import futures

    import grpc
    from opentelemetry.proto.collector.logs.v1 import logs_service_pb2_grpc
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2_grpc

    class Traces(trace_service_pb2_grpc.TraceServiceServicer):
        def Export(self, request, context):
            return grpc_export(request, context, True)

    class Logs(logs_service_pb2_grpc.LogsServiceServicer):
        def Export(self, request, context):
            return grpc_export(request, context, False)

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(Traces(), server)
    logs_service_pb2_grpc.add_LogsServiceServicer_to_server(Logs(), server)
    certificate_path = None
    if tls:
        key, certificate, certificate_path = self_signed_certificate()
        port = server.add_secure_port("127.0.0.1:0", grpc.ssl_server_credentials([(key, certificate)]))
    else:
        port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, port, certificate_path


def exit_when_stdin_closes():
    """The test that started this server closes our stdin when done (or when it dies)."""
    sys.stdin.buffer.read()
    os._exit(0)


def main():
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if "--no-stdin-watch" not in sys.argv:
        threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    # --port N: a given port (a test that starts the sink late, on the port its client already uses).
    server = ThreadingHTTPServer(("127.0.0.1", int(option("--port") or 0)), Handler)
    server.daemon_threads = True
    if "--grpc" in sys.argv or "--grpc-tls" in sys.argv:
        grpc_server, grpc_port, certificate = start_grpc(tls="--grpc-tls" in sys.argv)
        print("PORT %d GRPC %d%s" % (server.server_address[1], grpc_port, " TLS " + certificate if certificate else ""),
              flush=True)
    else:
        print("PORT %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
