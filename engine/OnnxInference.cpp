#include "OnnxInference.h"

#include "OnnxOps.h"

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>
#include <poll.h>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bs::onnximport {

namespace {

constexpr std::uint64_t kInferenceMemory = std::uint64_t{4} << 30; ///< beyond what the process maps

void runInference(onnx::ModelProto& m, InferenceResult& r) {
    // Strict first, so the first node error is on hand if a shape we need stays unknown; then
    // lenient, so one failing node (unused output, custom op) does not stop the rest.
    try {
        onnx::shape_inference::InferShapes(m, onnx::OpSchemaRegistry::Instance(),
                                           onnx::ShapeInferenceOptions(false, 1, true));
    } catch (const std::bad_alloc&) {
        r.fatalError = "it ran out of memory"; // the lenient pass would only do it again
    } catch (const std::exception& e) {
        r.strictError = oneLine(e.what());
        try {
            onnx::shape_inference::InferShapes(m, onnx::OpSchemaRegistry::Instance(),
                                               onnx::ShapeInferenceOptions(false, 0, true));
        } catch (const std::bad_alloc&) {
            r.fatalError = "it ran out of memory";
        } catch (const std::exception& e2) {
            r.fatalError = oneLine(e2.what());
        }
    }
    *r.inferred.mutable_value_info() = m.graph().value_info();
    *r.inferred.mutable_output() = m.graph().output();
}

void putString(std::string& out, const std::string& s) {
    const auto n = static_cast<std::uint32_t>(s.size());
    out.append(reinterpret_cast<const char*>(&n), sizeof n).append(s);
}

bool takeString(const std::string& in, std::size_t& at, std::string& s) {
    std::uint32_t n = 0;
    if (in.size() < at + sizeof n) return false;
    std::memcpy(&n, in.data() + at, sizeof n);
    at += sizeof n;
    if (in.size() < at + n) return false;
    s = in.substr(at, n);
    at += n;
    return true;
}

} // namespace

InferenceResult inferShapesIsolated(onnx::ModelProto& model, const std::atomic<bool>* cancel) {
    InferenceResult r;
    (void)onnx::OpSchemaRegistry::Instance(); // built once here, inherited by every child
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("cannot create a pipe for shape inference");
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        throw std::runtime_error("cannot fork for shape inference");
    }
    if (pid == 0) {
        close(fds[0]);
        const rlimit noCore{0, 0}; // a crash here is expected input, not a bug to dump
        setrlimit(RLIMIT_CORE, &noCore);
        prctl(PR_SET_DUMPABLE, 0); // also for a core_pattern pipe, which ignores RLIMIT_CORE
        // Die quietly: crash handlers inherited from the application (QtTest prints a stack trace
        // through gdb) must not run for a crash inside libonnx.
        for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGALRM})
            std::signal(sig, SIG_DFL);
#if !defined(__SANITIZE_ADDRESS__)
        // Limit the address space to what is mapped now plus a budget (ASan maps terabytes of
        // shadow memory, so sanitizer builds go without).
        long pages = 0;
        if (FILE* f = std::fopen("/proc/self/statm", "r")) {
            if (std::fscanf(f, "%ld", &pages) != 1) pages = 0;
            std::fclose(f);
        }
        const rlim_t limit = static_cast<rlim_t>(pages) * static_cast<rlim_t>(sysconf(_SC_PAGESIZE)) +
                             static_cast<rlim_t>(kInferenceMemory);
        const rlimit lim{limit, limit};
        setrlimit(RLIMIT_AS, &lim);
#endif
        alarm(kInferenceSeconds);
        std::string payload;
        {
            InferenceResult child;
            runInference(model, child); // the child's own copy-on-write pages: the parent's stays as is
            putString(payload, child.strictError);
            putString(payload, child.fatalError);
            payload += child.inferred.SerializeAsString();
        }
        const char* p = payload.data();
        std::size_t left = payload.size();
        while (left > 0) {
            const ssize_t n = write(fds[1], p, left);
            if (n <= 0) break;
            p += n;
            left -= static_cast<std::size_t>(n);
        }
        _exit(0);
    }
    close(fds[1]);
    std::string payload;
    char buf[1 << 16];
    for (;;) {
        if (cancel) {
            // Poll so a cancel request is seen while the child is still working.
            pollfd pfd{fds[0], POLLIN, 0};
            const int ready = poll(&pfd, 1, 50);
            if (cancel->load()) {
                kill(pid, SIGKILL);
                r.cancelled = true;
                break;
            }
            if (ready == 0 || (ready < 0 && errno == EINTR)) continue;
        }
        const ssize_t n = read(fds[0], buf, sizeof buf);
        if (n > 0)
            payload.append(buf, static_cast<std::size_t>(n));
        else if (n == 0 || errno != EINTR)
            break;
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (r.cancelled) return r;
    if (WIFSIGNALED(status)) {
        r.crashSignal = WTERMSIG(status);
        return r;
    }
    std::size_t at = 0;
    if (!takeString(payload, at, r.strictError) || !takeString(payload, at, r.fatalError) ||
        !r.inferred.ParseFromString(payload.substr(at)))
        r.fatalError = "the shape inference process returned no result";
    return r;
}

} // namespace bs::onnximport
