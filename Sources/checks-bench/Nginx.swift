import Glibc
import TestSupport

/// Debian's nginx on 127.0.0.1 for the HTTP benchmark, in a temporary prefix.
struct BenchNginx {
    let pid: pid_t
    let port: Int
    let directory: String

    static func start(port: Int) throws -> BenchNginx {
        var template = Array("/tmp/checks-bench-nginx.XXXXXX".utf8CString)
        let directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        for sub in ["tmp", "logs"] { mkdir("\(directory)/\(sub)", 0o755) }
        let config = """
            worker_processes 1;
            pid \(directory)/nginx.pid;
            error_log \(directory)/logs/error.log warn;
            events { worker_connections 4096; }
            http {
                access_log off;
                client_body_temp_path \(directory)/tmp/body;
                proxy_temp_path \(directory)/tmp/proxy;
                fastcgi_temp_path \(directory)/tmp/fastcgi;
                uwsgi_temp_path \(directory)/tmp/uwsgi;
                scgi_temp_path \(directory)/tmp/scgi;
                server {
                    listen 127.0.0.1:\(port) backlog=4096;
                    location / { return 200 "ok\\n"; }
                }
            }
            """
        let fd = open("\(directory)/nginx.conf", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        _ = Array(config.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        let arguments = [
            "/usr/sbin/nginx", "-p", directory, "-c", "\(directory)/nginx.conf", "-e", "\(directory)/logs/error.log",
            "-g", "daemon off;",
        ]
        let pid = try spawn(arguments)
        return BenchNginx(pid: pid, port: port, directory: directory)
    }

    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}

struct SpawnError: Error, CustomStringConvertible {
    var description: String
}

/// Starts a program with clean signals (see TestSupport.spawnProcess).
func spawn(_ arguments: [String]) throws -> pid_t {
    guard let pid = spawnProcess(arguments) else { throw SpawnError(description: "cannot start \(arguments[0])") }
    return pid
}

/// Waits until something accepts on host:port.
func waitUntilListening(_ host: String, _ port: Int, seconds: Int = 30) -> Bool {
    for _ in 0..<(seconds * 100) {
        if acceptsConnection(host: host, port: port) { return true }
        usleep(10_000)
    }
    return false
}
