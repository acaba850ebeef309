// See interop_support.h.
#include "interop_support.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>


extern char** environ;

namespace sfusim::interop {

namespace {
constexpr auto kWaitPollInterval = std::chrono::milliseconds(20);
}  // namespace

void RequireToolsOrSkip(const std::vector<Tool>& tools) {
  for (const auto& t : tools) {
    const std::string probe = "command -v '" + t.program + "' >/dev/null 2>&1";
    if (std::system(probe.c_str()) != 0) {
      std::cout << "SKIP: '" << t.program << "' is not installed (Debian package " << t.package
                << "; scripts/setup.sh installs it)" << std::endl;
      std::exit(kSkipReturnCode);
    }
  }
}

uint16_t FreeUdpPort() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(kLoopback);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::size_t CountLinesWith(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.find(needle) != std::string::npos) ++n;
  }
  return n;
}

std::string TmpPath(const std::string& name) { return std::string(SFUSIM_TEST_TMP_DIR) + "/" + name; }

// --- ChildProcess ------------------------------------------------------------------------------

ChildProcess::ChildProcess(const std::string& command, const std::string& out_path, const std::string& err_path)
    : command_(command) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  // Its own process group, so a signal reaches the shell's child (the tool) as well.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  const std::string exec_command = "exec " + command;
  char* argv[] = {const_cast<char*>("/bin/sh"), const_cast<char*>("-c"), const_cast<char*>(exec_command.c_str()),
                  nullptr};
  if (posix_spawn(&pid_, "/bin/sh", &actions, &attr, argv, environ) != 0) pid_ = -1;
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !Poll()) {
    ::kill(-pid_, SIGKILL);
    int st = 0;
    ::waitpid(pid_, &st, 0);
  }
}

bool ChildProcess::Poll() {
  if (pid_ <= 0) return true;
  if (done_) return true;
  int st = 0;
  const pid_t r = ::waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    done_ = true;
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
  }
  return done_;
}

void ChildProcess::Signal(int sig) {
  if (pid_ > 0 && !Poll()) ::kill(-pid_, sig);
}

bool ChildProcess::Wait(double timeout_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (!Poll()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kWaitPollInterval);
  }
  return true;
}

// --- SfuInvariantWatch -------------------------------------------------------------------------

double SfuInvariantWatch::Now() const { return static_cast<double>(loop_->WallNow().us()) / 1e6; }

void SfuInvariantWatch::OnStateChanged() {
  const auto snap = sfu_->Snapshot();
  const double at = Now();
  consumer_has_producer_.Check(at, snap);
  membership_maps_agree_.Check(at, snap);
  no_consumer_outlives_producer_.Check(at, snap);
  one_camera_one_screen_.Check(at, snap);
  ssrc_unique_.Check(at, snap);
}

void SfuInvariantWatch::OnConsumerRtp(const sfu::ConsumerRtpEvent& event) {
  const double at = static_cast<double>(event.at.us()) / 1e6;
  consumer_seq_continuous_.OnConsumerRtp(at, event);
  paused_consumer_silent_.OnConsumerRtp(at, event);
  if (!event.retransmission) ++forwarded_[std::string(event.consumer_id)];
}

bool SfuInvariantWatch::AllPassed(std::string* failures) const {
  const scenario::InvariantChecker* all[] = {&consumer_has_producer_, &membership_maps_agree_,
                                             &no_consumer_outlives_producer_, &one_camera_one_screen_,
                                             &ssrc_unique_, &consumer_seq_continuous_, &paused_consumer_silent_};
  bool ok = true;
  for (const auto* c : all) {
    if (c->passed()) continue;
    ok = false;
    if (failures) {
      *failures += c->name() + ": " + (c->first_violation() ? c->first_violation()->detail : std::string()) + "\n";
    }
  }
  return ok;
}

}  // namespace sfusim::interop
