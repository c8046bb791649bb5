import Glibc
import TestSupport

/// Debian's nginx on 127.0.0.1, started by a test with its own prefix and configuration, and a
/// self-signed certificate made by openssl for the TLS port.
///
/// Paths: `/ok` 200 "ok\n", `/moved` 301, `/unavailable` 503, anything missing 404, and
/// `/fixed.html` a static file whose digest the tests know.
struct NginxError: Error, CustomStringConvertible {
    var description: String
}

final class Nginx {
    static let fixedBody = "<html><body>lvs-director fixed page</body></html>\n"
    /// `md5sum` of `fixedBody`.
    static let fixedDigest = "0178e800541dca1256b0f334f213db86"

    let directory: String
    let port: Int
    let tlsPort: Int
    private let pid: pid_t

    /// The self-signed certificate, made once per test run by openssl.
    actor Certificate {
        static let shared = Certificate()
        private var directory: String?

        func files() async throws -> String {
            if let directory { return directory }
            let made = makeTemporaryDirectory("nginx-cert")
            let status = await runAsync([
                "/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                "-days", "2", "-keyout", "\(made)/key.pem", "-out", "\(made)/cert.pem",
            ])
            guard status == 0 else { throw NginxError(description: "openssl req exited \(status)") }
            chmod("\(made)/key.pem", 0o644)
            directory = made
            return made
        }
    }

    init() async throws {
        directory = makeTemporaryDirectory("nginx-test")
        for sub in ["www", "tmp", "logs"] { mkdir("\(directory)/\(sub)", 0o755) }
        writeFile("\(directory)/www/fixed.html", Self.fixedBody)
        let certificate = try await Certificate.shared.files()
        run(["/bin/cp", "\(certificate)/key.pem", "\(certificate)/cert.pem", directory])
        var attempt = 1
        while true {
            let ports = (freeLoopbackPort(), freeLoopbackPort())
            guard ports.0 != ports.1 else { continue }
            do {
                pid = try await Self.start(directory: directory, port: ports.0, tlsPort: ports.1)
                (port, tlsPort) = ports
                return
            } catch is AddressInUse where attempt < serverStartAttempts {
                // A test running alongside took a port between the choice and nginx's bind.
                attempt += 1
            }
        }
    }

    private struct AddressInUse: Error {}

    /// Writes the configuration for these ports, starts nginx and waits until both ports accept.
    /// Throws ``AddressInUse`` when a port was taken meanwhile.
    private static func start(directory d: String, port: Int, tlsPort: Int) async throws -> pid_t {
        writeFile("\(d)/nginx.conf", """
            worker_processes 1;
            pid \(d)/nginx.pid;
            error_log \(d)/logs/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path \(d)/tmp/body;
                proxy_temp_path \(d)/tmp/proxy;
                fastcgi_temp_path \(d)/tmp/fastcgi;
                uwsgi_temp_path \(d)/tmp/uwsgi;
                scgi_temp_path \(d)/tmp/scgi;
                default_type text/plain;
                server {
                    listen 127.0.0.1:\(port);
                    listen 127.0.0.1:\(tlsPort) ssl;
                    ssl_certificate \(d)/cert.pem;
                    ssl_certificate_key \(d)/key.pem;
                    root \(d)/www;
                    location = /ok { return 200 "ok\\n"; }
                    location = /moved { return 301 /ok; }
                    location = /unavailable { return 503; }
                }
            }
            """)
        let arguments = [
            "/usr/sbin/nginx", "-p", d, "-c", "\(d)/nginx.conf", "-e", "\(d)/logs/error.log",
            "-g", "daemon off; master_process off;",
        ]
        guard let child = spawnProcess(arguments) else {
            throw NginxError(description: "cannot start /usr/sbin/nginx (is Debian's nginx installed?)")
        }
        for _ in 0..<500 {
            var status: Int32 = 0
            if waitpid(child, &status, WNOHANG) == child {
                let log = AioSMTPServer.read("\(d)/logs/error.log") ?? ""
                if log.contains("Address already in use") {
                    _ = unlink("\(d)/logs/error.log")
                    throw AddressInUse()
                }
                throw NginxError(description: "nginx exited at start; see \(d)/logs/error.log")
            }
            if accepts(port: port) && accepts(port: tlsPort) { return child }
            try? await Task.sleep(for: .milliseconds(10))
        }
        kill(child, SIGKILL)
        var status: Int32 = 0
        waitpid(child, &status, 0)
        throw NginxError(description: "nginx did not listen on 127.0.0.1:\(port) within 5 s")
    }

    private func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<200 {
            if waitpid(pid, &status, WNOHANG) == pid {
                removeTree(directory)
                return
            }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
        removeTree(directory)
    }

    deinit {
        stop()
    }

    static func accepts(port: Int) -> Bool {
        acceptsConnection(host: "127.0.0.1", port: port)
    }
}
