#include "sfusim/scenario/sweep_processes.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

extern char** environ;

namespace sfusim::scenario {
namespace {

// Set by SIGINT/SIGTERM while RunProcesses waits: the runs live in process groups of their own,
// so a Ctrl-C at the terminal does not reach them; the pool kills them and returns instead.
volatile sig_atomic_t g_stop = 0;
void OnStop(int) { g_stop = 1; }

double Now() {
  using Clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

struct Running {
  std::size_t index;
  pid_t pid;
  double started;
};

// Spawns one job; the error text when it cannot.
pid_t Spawn(const ProcessJob& job, std::string* error) {
  if (job.argv.empty()) {
    *error = "empty command line";
    return -1;
  }
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  const char* log = job.log_file.empty() ? "/dev/null" : job.log_file.c_str();
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> argv;
  for (const std::string& a : job.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    *error = "cannot start '" + job.argv[0] + "': " + std::strerror(rc);
    return -1;
  }
  return pid;
}

ProcessOutcome FromStatus(int status, double wall_s) {
  ProcessOutcome o;
  o.wall_s = wall_s;
  if (WIFEXITED(status)) {
    o.end = ProcessEnd::kExited;
    o.exit_code = WEXITSTATUS(status);
    // glibc's posix_spawn reports exec failure as exit 127 from the child on old versions.
  } else if (WIFSIGNALED(status)) {
    o.end = ProcessEnd::kSignaled;
    o.signal = WTERMSIG(status);
  }
  return o;
}

}  // namespace

std::string SignalName(int signal) {
  switch (signal) {
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGPIPE: return "SIGPIPE";
    case SIGTRAP: return "SIGTRAP";
    default: return "signal " + std::to_string(signal);
  }
}

int DefaultParallelism() {
  unsigned n = std::thread::hardware_concurrency();  // a query, no thread is started
  return n == 0 ? 1 : static_cast<int>(std::min(n, 256u));
}

std::vector<ProcessOutcome> RunProcesses(const std::vector<ProcessJob>& jobs, const ProcessPoolOptions& options,
                                         const std::function<void(std::size_t, const ProcessOutcome&)>& on_done) {
  std::vector<ProcessOutcome> outcomes(jobs.size());
  const std::size_t parallel = static_cast<std::size_t>(std::max(1, options.parallel));
  std::vector<Running> running;
  std::size_t next = 0;
  g_stop = 0;
  struct sigaction stop{};
  stop.sa_handler = OnStop;
  sigemptyset(&stop.sa_mask);
  struct sigaction old_int{};
  struct sigaction old_term{};
  sigaction(SIGINT, &stop, &old_int);
  sigaction(SIGTERM, &stop, &old_term);
  auto finish = [&](std::size_t index, ProcessOutcome o) {
    outcomes[index] = o;
    if (on_done) on_done(index, outcomes[index]);
  };
  while (next < jobs.size() || !running.empty()) {
    if (g_stop) {  // interrupted: kill what runs, report what never ran, and stop
      for (const Running& r : running) {
        kill(-r.pid, SIGKILL);
        kill(r.pid, SIGKILL);
        int status = 0;
        while (waitpid(r.pid, &status, 0) < 0 && errno == EINTR) {
        }
        ProcessOutcome o;
        o.end = ProcessEnd::kSpawnFailed;
        o.error = "interrupted (the sweep was stopped)";
        finish(r.index, o);
      }
      running.clear();
      for (; next < jobs.size(); ++next) {
        ProcessOutcome o;
        o.end = ProcessEnd::kSpawnFailed;
        o.error = "not run (the sweep was stopped)";
        finish(next, o);
      }
      break;
    }
    while (next < jobs.size() && running.size() < parallel) {
      std::size_t index = next++;
      std::string error;
      double started = Now();
      pid_t pid = Spawn(jobs[index], &error);
      if (pid < 0) {
        ProcessOutcome o;
        o.end = ProcessEnd::kSpawnFailed;
        o.error = error;
        finish(index, o);
        continue;
      }
      running.push_back({index, pid, started});
    }
    bool any_done = false;
    for (std::size_t i = 0; i < running.size();) {
      Running& r = running[i];
      int status = 0;
      pid_t got = waitpid(r.pid, &status, WNOHANG);
      double now = Now();
      if (got == r.pid) {
        std::size_t index = r.index;
        double wall = now - r.started;
        running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
        finish(index, FromStatus(status, wall));
        any_done = true;
        continue;
      }
      if (got < 0 && errno != EINTR) {  // lost the child (should not happen): report, do not hang
        ProcessOutcome o;
        o.end = ProcessEnd::kSpawnFailed;
        o.error = std::string("waitpid: ") + std::strerror(errno);
        std::size_t index = r.index;
        running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
        finish(index, o);
        any_done = true;
        continue;
      }
      if (now - r.started > options.timeout_s) {
        kill(-r.pid, SIGKILL);
        kill(r.pid, SIGKILL);
        while (waitpid(r.pid, &status, 0) < 0 && errno == EINTR) {
        }
        ProcessOutcome o;
        o.end = ProcessEnd::kTimedOut;
        o.wall_s = now - r.started;
        std::size_t index = r.index;
        running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
        finish(index, o);
        any_done = true;
        continue;
      }
      ++i;
    }
    if (!any_done && !running.empty()) {
      struct timespec ts{0, kProcessPollIntervalMs * 1'000'000L};
      nanosleep(&ts, nullptr);
    }
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  return outcomes;
}

}  // namespace sfusim::scenario
