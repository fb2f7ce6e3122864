#include "onnx/OnnxInference.h"

#include "onnx/OnnxOps.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>
#include <poll.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

// AddressSanitizer builds: GCC defines __SANITIZE_ADDRESS__, clang answers __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define BS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BS_ASAN 1
#endif
#endif

namespace bs::onnximport {

namespace {

constexpr std::uint64_t kInferenceMemory = std::uint64_t{4} << 30; ///< beyond what the worker maps at start
constexpr std::uint64_t kMaxFrameBytes = std::uint64_t{1} << 31;   ///< protobuf's own message limit
constexpr std::size_t kMaxIdleWorkers = 4;

// ---- framing: an 8-byte length, then the bytes ------------------------------------------------

bool sendAll(int fd, const char* p, std::size_t n) {
    while (n > 0) {
        const ssize_t k = send(fd, p, n, MSG_NOSIGNAL); // a dead peer is an error, not SIGPIPE
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return false;
        p += k;
        n -= static_cast<std::size_t>(k);
    }
    return true;
}

bool sendFrame(int fd, const std::string& payload) {
    const std::uint64_t n = payload.size();
    return sendAll(fd, reinterpret_cast<const char*>(&n), sizeof n) &&
           sendAll(fd, payload.data(), payload.size());
}

enum class ReadStatus { Ok, Closed, TimedOut, Cancelled };

/// Reads exactly `n` bytes; gives up at `deadline` (steady ms, 0 = never) or when `*cancel` is set.
ReadStatus recvAll(int fd, char* p, std::size_t n, std::int64_t deadlineMs, const std::atomic<bool>* cancel) {
    while (n > 0) {
        if (deadlineMs > 0 || cancel) {
            // Wake every 50 ms so a cancel or the deadline is seen while the worker still works.
            pollfd pfd{fd, POLLIN, 0};
            const int ready = poll(&pfd, 1, 50);
            if (cancel && cancel->load()) return ReadStatus::Cancelled;
            if (deadlineMs > 0) {
                timespec now{};
                clock_gettime(CLOCK_MONOTONIC, &now);
                if (now.tv_sec * 1000 + now.tv_nsec / 1'000'000 > deadlineMs) return ReadStatus::TimedOut;
            }
            if (ready == 0 || (ready < 0 && errno == EINTR)) continue;
        }
        const ssize_t k = recv(fd, p, n, 0);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return ReadStatus::Closed;
        p += k;
        n -= static_cast<std::size_t>(k);
    }
    return ReadStatus::Ok;
}

ReadStatus recvFrame(int fd, std::string& payload, std::int64_t deadlineMs = 0,
                     const std::atomic<bool>* cancel = nullptr) {
    std::uint64_t n = 0;
    ReadStatus s = recvAll(fd, reinterpret_cast<char*>(&n), sizeof n, deadlineMs, cancel);
    if (s != ReadStatus::Ok) return s;
    if (n > kMaxFrameBytes) return ReadStatus::Closed;
    payload.resize(n);
    return recvAll(fd, payload.data(), n, deadlineMs, cancel);
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

// ---- the worker side -------------------------------------------------------------------------

void runInference(onnx::ModelProto& m, bool dataPropagation, InferenceResult& r) {
    // Strict first, so the first node error is on hand if a shape we need stays unknown; then
    // lenient, so one failing node (unused output, custom op) does not stop the rest.
    try {
        onnx::shape_inference::InferShapes(m, onnx::OpSchemaRegistry::Instance(),
                                           onnx::ShapeInferenceOptions(false, 1, dataPropagation));
    } catch (const std::bad_alloc&) {
        r.fatalError = "it ran out of memory"; // the lenient pass would only do it again
    } catch (const std::exception& e) {
        r.strictError = oneLine(e.what());
        try {
            onnx::shape_inference::InferShapes(m, onnx::OpSchemaRegistry::Instance(),
                                               onnx::ShapeInferenceOptions(false, 0, dataPropagation));
        } catch (const std::bad_alloc&) {
            r.fatalError = "it ran out of memory";
        } catch (const std::exception& e2) {
            r.fatalError = oneLine(e2.what());
        }
    }
    *r.inferred.mutable_value_info() = m.graph().value_info();
    *r.inferred.mutable_output() = m.graph().output();
}

/// A crash in the worker is expected input, not a bug to dump; its memory is bounded.
void limitWorker() {
    const rlimit noCore{0, 0};
    setrlimit(RLIMIT_CORE, &noCore);
    prctl(PR_SET_DUMPABLE, 0); // also for a core_pattern pipe, which ignores RLIMIT_CORE
    std::signal(SIGPIPE, SIG_IGN);
#if !defined(__SANITIZE_ADDRESS__) // (clang's fuzz builds keep the limit: VmSize includes the shadow)
    // What is mapped now plus a budget (ASan maps terabytes of shadow memory: those builds go without).
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
}

// ---- the importer side -----------------------------------------------------------------------

std::string requestBytes(const onnx::ModelProto& model, const NodeRewrites* rewrites) {
    onnx::ModelProto req;
    req.set_ir_version(model.ir_version());
    *req.mutable_opset_import() = model.opset_import();
    *req.mutable_functions() = model.functions();
    const onnx::GraphProto& g = model.graph();
    onnx::GraphProto* rg = req.mutable_graph();
    rg->set_name(g.name());
    *rg->mutable_node() = g.node();
    if (rewrites)
        for (const auto& [index, node] : *rewrites)
            if (index >= 0 && index < rg->node_size()) *rg->mutable_node(index) = node;
    *rg->mutable_input() = g.input();
    *rg->mutable_output() = g.output();
    *rg->mutable_value_info() = g.value_info();
    *rg->mutable_initializer() = g.initializer(); // weight bytes already dropped by the importer
    return req.SerializeAsString();
}

struct Worker {
    pid_t pid = -1;
    int fd = -1;
};

void stopWorker(Worker& w) {
    if (w.pid > 0) {
        kill(w.pid, SIGKILL);
        int status = 0;
        while (waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    if (w.fd >= 0) close(w.fd);
    w = {};
}

/// Reaps the worker; its wait status.
int reap(Worker& w) {
    int status = 0;
    while (waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (w.fd >= 0) close(w.fd);
    w = {};
    return status;
}

/// The environment the worker starts with: the application's, and in sanitizer builds no
/// sanitizer handler for the signals libonnx's crashes raise, so that a crash is a signal, as in a
/// release build, rather than a report and an exit status.
std::vector<std::string> workerEnvironment() {
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e)
        env.emplace_back(*e);
#if defined(BS_ASAN)
    const std::string quiet = "handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:detect_leaks=0";
    auto it = std::find_if(env.begin(), env.end(),
                           [](const std::string& v) { return v.rfind("ASAN_OPTIONS=", 0) == 0; });
    if (it == env.end())
        env.push_back("ASAN_OPTIONS=" + quiet);
    else
        *it += ":" + quiet;
#endif
    return env;
}

Worker spawnWorker(std::string& error) {
    const std::string path = onnxWorkerPath();
    if (path.empty()) {
        error = "the shape inference worker (batchscope-onnx-worker) is not installed beside batchscope; "
                "set BATCHSCOPE_ONNX_WORKER to its path";
        return {};
    }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        error = std::string("cannot create a socket for the shape inference worker: ") + std::strerror(errno);
        return {};
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, sv[1], 0); // the worker's stdin is its socket
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all); // ignored signals are not inherited
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    const std::string parent = std::to_string(getpid());
    char* argv[] = {const_cast<char*>(path.c_str()), const_cast<char*>("--parent"),
                    const_cast<char*>(parent.c_str()), nullptr};
    std::vector<std::string> env = workerEnvironment();
    std::vector<char*> envp;
    for (std::string& e : env)
        envp.push_back(e.data());
    envp.push_back(nullptr);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, path.c_str(), &actions, &attr, argv, envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    close(sv[1]);
    if (rc != 0) {
        close(sv[0]);
        error = "cannot start the shape inference worker " + path + ": " + std::strerror(rc);
        return {};
    }
    return {pid, sv[0]};
}

/// Idle workers, shared by every importing thread. A worker is used by one import at a time.
class WorkerPool {
  public:
    ~WorkerPool() {
        for (Worker& w : idle_)
            stopWorker(w);
    }
    Worker take(std::string& error) {
        {
            std::lock_guard lock(mutex_);
            if (!idle_.empty()) {
                Worker w = idle_.back();
                idle_.pop_back();
                return w;
            }
        }
        return spawnWorker(error);
    }
    void giveBack(Worker w) {
        std::unique_lock lock(mutex_);
        if (idle_.size() < kMaxIdleWorkers) {
            idle_.push_back(w);
            return;
        }
        lock.unlock();
        stopWorker(w);
    }

  private:
    std::mutex mutex_;
    std::vector<Worker> idle_;
};

WorkerPool& pool() {
    static WorkerPool p;
    return p;
}

std::int64_t nowMs() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000 + now.tv_nsec / 1'000'000;
}

bool executable(const std::filesystem::path& p) {
    return !p.empty() && access(p.c_str(), X_OK) == 0 && !std::filesystem::is_directory(p);
}

} // namespace

std::string onnxWorkerPath() {
    if (const char* env = std::getenv("BATCHSCOPE_ONNX_WORKER"); env && *env) return env;
    const char* name = "batchscope-onnx-worker";
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const std::filesystem::path dir = exe.parent_path();
        for (const auto& p : {dir / name, dir / ".." / "libexec" / "batchscope" / name})
            if (executable(p)) return p.lexically_normal().string();
    }
#ifdef BATCHSCOPE_BUILD_ONNX_WORKER
    if (executable(BATCHSCOPE_BUILD_ONNX_WORKER)) return BATCHSCOPE_BUILD_ONNX_WORKER;
#endif
    return {};
}

InferenceResult inferShapesIsolated(const onnx::ModelProto& model, const std::atomic<bool>* cancel,
                                    bool dataPropagation, const NodeRewrites* rewrites) {
    InferenceResult r;
    const std::string request = std::string(1, dataPropagation ? '\1' : '\0') + requestBytes(model, rewrites);
    // A worker reused from the pool may have died since (killed from outside): one retry on a
    // fresh one before the failure is the model's.
    for (int attempt = 0; attempt < 2; ++attempt) {
        Worker w = pool().take(r.startError);
        if (w.pid <= 0) return r;
        if (!sendFrame(w.fd, request)) {
            reap(w);
            continue;
        }
        std::string payload;
        const ReadStatus s = recvFrame(w.fd, payload, nowMs() + kInferenceSeconds * 1000, cancel);
        if (s == ReadStatus::Cancelled || s == ReadStatus::TimedOut) {
            stopWorker(w);
            r.cancelled = s == ReadStatus::Cancelled;
            r.timedOut = s == ReadStatus::TimedOut;
            return r;
        }
        if (s == ReadStatus::Closed) {
            const int status = reap(w);
            r.crashSignal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
            r.crashExitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
            if (r.crashSignal == 0 && r.crashExitCode == 0)
                r.fatalError = "the shape inference worker exited without an answer";
            return r;
        }
        pool().giveBack(w);
        std::size_t at = 0;
        if (!takeString(payload, at, r.strictError) || !takeString(payload, at, r.fatalError) ||
            !r.inferred.ParseFromString(payload.substr(at)))
            r.fatalError = "the shape inference worker returned no result";
        return r;
    }
    r.fatalError = "the shape inference worker could not be reached";
    return r;
}

int shapeInferenceWorkerMain(int fd) {
    limitWorker();
    (void)onnx::OpSchemaRegistry::Instance(); // built once per worker, before the first request
    std::string request;
    while (recvFrame(fd, request) == ReadStatus::Ok) {
        alarm(kInferenceSeconds + 5); // the importer kills it at kInferenceSeconds; this is a backstop
        std::string answer;
        {
            onnx::ModelProto model;
            InferenceResult r;
            // One byte of options (data propagation on or off), then the model.
            if (request.empty() ||
                !model.ParseFromArray(request.data() + 1, static_cast<int>(request.size() - 1)))
                r.fatalError = "the worker could not parse the model it was sent";
            else
                runInference(model, request[0] != 0, r);
            putString(answer, r.strictError);
            putString(answer, r.fatalError);
            answer += r.inferred.SerializeAsString();
        }
        alarm(0);
        if (!sendFrame(fd, answer)) return 1;
    }
    return 0; // the importer closed the socket
}

} // namespace bs::onnximport
