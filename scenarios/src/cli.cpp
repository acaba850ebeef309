#include "sfusim/scenario/cli.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string_view>

#include <fstream>
#include <sstream>

#include "sfusim/scenario/mutant_names.h"
#include "sfusim/scenario/mutants_command.h"
#include "sfusim/scenario/scenario_limits.h"
#include "sfusim/scenario/real_mode.h"
#include "sfusim/scenario/result_json.h"
#include "sfusim/scenario/scenario_loader.h"
#include "sfusim/scenario/sweep_command.h"
#include "sfusim/scenario/sweep_plan.h"
#include "sfusim/scenario/sweep_processes.h"
#include "sfusim/scenario/swarm.h"
#include "sfusim/scenario/vocabulary.h"
#include "text_util.h"

namespace sfusim::scenario {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;
constexpr std::string_view kDefaultOutRoot = "sfusim-results";
constexpr uint64_t kDefaultSeed = 1;
constexpr int kMaxJobs = 256;
constexpr std::size_t kMaxShownArgChars = 80;  // an argument echoed in a message is cut here

constexpr double kMaxTimeoutS = 7 * 24 * 3600.0;

// ---------------------------------------------------------------------------------------------
// Commands and their flags
// ---------------------------------------------------------------------------------------------
struct FlagSpec {
  std::string_view name;  // "--seed"
  bool takes_value;
};

struct CommandSpec {
  std::string_view name;
  std::string_view usage;  // after "sfusim "
  std::string_view summary;
  std::span<const FlagSpec> flags;
  std::size_t min_positional;
  std::size_t max_positional;
};

constexpr FlagSpec kRunFlags[] = {{"--seed", true},         {"--out", true},          {"--mutant", true},
                                 {"--pcap", false},        {"--trace", false},       {"--swarm", false},
                                 {"--fault-points", false}, {"--swarm-kinds", true},  {"--swarm-loss-max", true},
                                 {"--emit-scenario", true}, {"--real", false}};
constexpr FlagSpec kSweepFlags[] = {{"--seeds", true},         {"--shard", true},        {"--jobs", true},
                                   {"--out", true},           {"--junit", true},        {"--timeout-s", true},
                                   {"--swarm", false},        {"--fault-points", false}, {"--swarm-kinds", true},
                                   {"--swarm-loss-max", true}, {"--emit-scenario", true}};
constexpr FlagSpec kDeterminismFlags[] = {{"--seed", true},
                                         {"--swarm", false},
                                         {"--fault-points", false},
                                         {"--swarm-kinds", true},
                                         {"--swarm-loss-max", true}};
constexpr FlagSpec kMutantsFlags[] = {{"--seed", true},      {"--jobs", true},        {"--out", true},
                                     {"--timeout-s", true}, {"--only", true},        {"--fuzzer", true},
                                     {"--first-kill", false}, {"--skip-baseline", false}};
constexpr FlagSpec kReportFlags[] = {{"--baseline", true}, {"--out", true}, {"--bench", true}};
constexpr FlagSpec kSuiteFlags[] = {{"--seed", true}, {"--out", true}};
constexpr FlagSpec kDemoFlags[] = {{"--seed", true}, {"--pcap", true}, {"--trace", true}};
constexpr FlagSpec kServeFlags[] = {{"--listen", true}, {"--rtp-ports", true}, {"--workers", true},
                                   {"--secret", true}, {"--duration-s", true}};
constexpr FlagSpec kClientFlags[] = {{"--server", true}, {"--channel", true}, {"--publish", true},
                                    {"--name", true},   {"--secret", true},  {"--duration-s", true}};
constexpr std::span<const FlagSpec> kNoFlags;
constexpr std::size_t kMany = 100'000;

constexpr CommandSpec kCommands[] = {
    {"run", "run FILE [--seed N] [--out DIR] [--mutant NAME] [--pcap] [--trace] [--real] [--swarm [--swarm-kinds K,L] "
            "[--swarm-loss-max P] [--emit-scenario FILE]] [--fault-points]",
     "one run: writes DIR/result.json (default DIR sfusim-results/<scenario>/seed-<N>); --swarm: faults drawn "
     "from the seed on top of the scenario (only invariants judged unless its swarm.judge is all), "
     "--emit-scenario writes them as a plain scenario file; --fault-points: the SFU's and clients' code-level "
     "fault points on; --real: every participant a real client on loopback sockets, in real time",
     kRunFlags, 1, 1},
    {"sweep", "sweep FILE_OR_DIR --seeds A..B [--shard I/N] [--jobs J] [--out DIR] [--junit FILE] [--timeout-s S] "
              "[--swarm [--swarm-kinds K,L] [--swarm-loss-max P] [--emit-scenario DIR]] [--fault-points]",
     "every scenario x seed in J worker processes (default: the cores), results in --out (default "
     "sfusim-results/sweep); --shard I/N (0 <= I < N) runs every N-th run starting at I; each run is "
     "killed after S wall seconds (default 600); --swarm / --fault-points as for run; --emit-scenario DIR: "
     "each failing swarm run as a plain scenario file in DIR",
     kSweepFlags, 1, 1},
    {"validate", "validate FILE_OR_DIR...", "check scenario files against the schema and semantics", kNoFlags, 1, kMany},
    {"list", "list", "the built-in scenario library, one line each", kNoFlags, 0, 0},
    {"report", "report DIR [--baseline DIR] [--out DIR] [--bench FILE]",
     "report.md and report.html from every result under DIR (into --out, default DIR); --baseline: "
     "the changes against it, exit 1 on a regression; --bench: perf.html from sfusim-bench JSON",
     kReportFlags, 1, 1},
    {"mutants",
     "mutants [FILE_OR_DIR...] [--seed N] [--jobs J] [--out DIR] [--timeout-s S] [--only A,B] [--fuzzer PROGRAM] "
     "[--first-kill] [--skip-baseline]",
     "every mutant (or --only these) against every scenario (default: the library) and the fuzzer PROGRAM; "
     "prints the kill matrix, writes DIR/mutants.json (default sfusim-results/mutants); exit 0 when every "
     "mutant was killed and the unmutated runs passed",
     kMutantsFlags, 0, kMany},
    {"check-determinism", "check-determinism FILE [--seed N] [--swarm [--swarm-kinds K,L] [--swarm-loss-max P]] [--fault-points]",
     "run twice, compare trace hashes", kDeterminismFlags, 1, 1},
    {"suite", "suite [DIR] [--seed N] [--out DIR]",
     "every scenario of DIR (default: the library) once; results and summary.txt in --out (default "
     "sfusim-results/suite)",
     kSuiteFlags, 0, 1},
    {"demo", "demo [--seed N] [--pcap DIR] [--trace FILE]", "the built-in simulation demo (also: no arguments)",
     kDemoFlags, 0, 0},
    {"serve", "serve [--listen ADDR:PORT] [--rtp-ports A-B] [--workers N] [--secret S] [--duration-s S]",
     "the reference SFU as a real server (default 127.0.0.1:4443; signaling: TCP, 4-byte length + JSON); "
     "Ctrl-C stops it and prints its counters as JSON",
     kServeFlags, 0, 0},
    {"client", "client --server ADDR:PORT [--channel C] [--publish microphone,camera] [--name NAME] [--secret S] "
               "[--duration-s S]",
     "one reference web client against a real server for S seconds (default 10), then its metrics as JSON; "
     "exit 0 when its media was complete",
     kClientFlags, 0, 0},
    {"help", "help [COMMAND]", "this text, or one command's", kNoFlags, 0, 1},
};

const CommandSpec* FindCommand(std::string_view name) {
  for (const CommandSpec& c : kCommands) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// An argument as shown in a message: quoted with '', cut when long, control characters escaped.
std::string Shown(std::string_view arg) {
  std::string out = "'";
  std::size_t n = 0;
  for (char c : arg) {
    if (n++ == kMaxShownArgChars) {
      out += "...";
      break;
    }
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string Fixed(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

void PrintUsage(std::ostream& out) {
  out << "sfusim: deterministic simulation and conformance tests for an SFU protocol\n\n"
         "usage: sfusim [COMMAND [ARGS...]]\n\n";
  for (const CommandSpec& c : kCommands) out << "  sfusim " << c.usage << "\n      " << c.summary << "\n";
  out << "  sfusim\n      the library suite with seed 1 (sfusim suite)\n\n"
         "Exit codes: 0 success, 1 an expectation failed, 2 bad input.\n"
         "The contract: ../shared/SCENARIO.md; the scenario format: scenarios/schema/scenario.schema.json.\n";
}

void PrintCommandUsage(const CommandSpec& c, std::ostream& out) {
  out << "usage: sfusim " << c.usage << "\n  " << c.summary << "\n";
}

// ---------------------------------------------------------------------------------------------
// Argument parsing
// ---------------------------------------------------------------------------------------------
struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::string, std::less<>> flags;  // a flag without value maps to ""
  bool help = false;

  const std::string* Flag(std::string_view name) const {
    auto it = flags.find(name);
    return it == flags.end() ? nullptr : &it->second;
  }
};

class Errors {
 public:
  Errors(std::ostream& err, std::string_view command) : err_(err), prefix_("sfusim " + std::string(command) + ": ") {}
  void operator()(const std::string& message) {
    err_ << prefix_ << message << "\n";
    any_ = true;
  }
  bool any() const { return any_; }

 private:
  std::ostream& err_;
  std::string prefix_;
  bool any_ = false;
};

std::optional<ParsedArgs> ParseArgs(const CommandSpec& spec, std::span<const std::string> args, Errors& error) {
  ParsedArgs parsed;
  bool flags_done = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (flags_done || arg.size() < 2 || arg[0] != '-') {
      parsed.positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      parsed.help = true;
      continue;
    }
    std::string name = arg;
    std::optional<std::string> value;
    if (std::size_t eq = arg.find('='); eq != std::string::npos && arg.rfind("--", 0) == 0) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    const FlagSpec* flag = nullptr;
    for (const FlagSpec& f : spec.flags) {
      if (f.name == name) flag = &f;
    }
    if (!flag) {
      std::vector<std::string_view> names;
      for (const FlagSpec& f : spec.flags) names.push_back(f.name);
      std::string_view close = ClosestMatch(name, names);
      std::string hint = !close.empty() ? " (did you mean " + std::string(close) + "?)"
                         : names.empty() ? " (it takes no flags)"
                                         : " (flags: " + JoinNames(names) + ")";
      error("unknown flag " + Shown(name) + hint);
      continue;
    }
    if (parsed.flags.count(name)) {
      error(name + ": given twice");
      continue;
    }
    if (flag->takes_value) {
      if (!value) {
        if (i + 1 >= args.size()) {
          error(name + ": missing value");
          continue;
        }
        value = args[++i];
      }
      parsed.flags[name] = *value;
    } else {
      if (value) {
        error(name + ": takes no value, got " + Shown(*value));
        continue;
      }
      parsed.flags[name] = "";
    }
  }
  if (parsed.help) return parsed;
  if (parsed.positional.size() < spec.min_positional) {
    error(std::string("missing argument (usage: sfusim ") + std::string(spec.usage) + ")");
  } else if (parsed.positional.size() > spec.max_positional) {
    error("unexpected argument " + Shown(parsed.positional[spec.max_positional]) + " (usage: sfusim " +
          std::string(spec.usage) + ")");
  }
  if (error.any()) return std::nullopt;
  return parsed;
}

std::optional<uint64_t> ParseU64(std::string_view s) {
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<uint64_t> ReadSeed(const ParsedArgs& args, Errors& error) {
  const std::string* s = args.Flag("--seed");
  if (!s) return std::nullopt;
  auto v = ParseU64(*s);
  if (!v) error("--seed: expected a non-negative integer, got " + Shown(*s));
  return v;
}

void ReadNonEmpty(const ParsedArgs& args, std::string_view flag, std::string_view what, Errors& error) {
  const std::string* s = args.Flag(flag);
  if (s && s->empty()) error(std::string(flag) + ": expected " + std::string(what) + ", got ''");
}

// A mutant name: lowercase words joined by '-' ("consumer-leak"), one of kMutants.
void ReadMutant(const ParsedArgs& args, Errors& error) {
  const std::string* s = args.Flag("--mutant");
  if (!s) return;
  bool ok = !s->empty() && s->size() <= 64 && std::all_of(s->begin(), s->end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (!ok) {
    error("--mutant: expected a mutant name such as consumer-leak (a-z, 0-9, -), got " + Shown(*s));
    return;
  }
  Mutants m;
  if (!ApplyMutant(*s, m)) {
    std::vector<std::string_view> names;
    for (const MutantSpec& spec : kMutants) names.push_back(spec.name);
    std::string_view close = ClosestMatch(*s, names);
    error("--mutant: unknown mutant " + Shown(*s) + (close.empty() ? "" : " (did you mean " + std::string(close) + "?)") +
          "; mutants: " + JoinNames(names));
  }
}

// --only A,B: a comma list of known mutant names.
void ReadOnly(const ParsedArgs& args, Errors& error) {
  const std::string* only = args.Flag("--only");
  if (!only) return;
  std::vector<std::string_view> names;
  for (const MutantSpec& spec : kMutants) names.push_back(spec.name);
  std::string_view rest = *only;
  if (rest.empty()) error("--only: expected mutant names separated by commas, got an empty value");
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view name = rest.substr(0, comma);
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      std::string_view close = ClosestMatch(name, names);
      error("--only: unknown mutant " + Shown(std::string(name)) +
            (close.empty() ? "" : " (did you mean " + std::string(close) + "?)") + "; mutants: " + JoinNames(names));
    }
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
    if (rest.empty()) error("--only: a trailing comma in " + Shown(*only));
  }
}

// --jobs J and --timeout-s S of sweep and mutants.
void ReadJobsAndTimeout(const ParsedArgs& args, Errors& error) {
  if (const std::string* jobs = args.Flag("--jobs")) {
    auto j = ParseU64(*jobs);
    if (!j || *j < 1 || *j > static_cast<uint64_t>(kMaxJobs)) {
      error("--jobs: expected an integer in [1, " + std::to_string(kMaxJobs) + "], got " + Shown(*jobs));
    }
  }
  if (const std::string* t = args.Flag("--timeout-s")) {
    double v = 0;
    auto [ptr, ec] = std::from_chars(t->data(), t->data() + t->size(), v);
    if (t->empty() || ec != std::errc() || ptr != t->data() + t->size() || !(v > 0) || v > kMaxTimeoutS) {
      error("--timeout-s: expected seconds in (0, " + Fixed(kMaxTimeoutS, 0) + "], got " + Shown(*t));
    }
  }
}

void ReadSweepFlags(const ParsedArgs& args, Errors& error) {
  const std::string* seeds = args.Flag("--seeds");
  if (!seeds) {
    error("--seeds: required (e.g. --seeds 1..100)");
  } else {
    std::size_t dots = seeds->find("..");
    std::optional<uint64_t> a;
    std::optional<uint64_t> b;
    if (dots != std::string::npos) {
      a = ParseU64(std::string_view(*seeds).substr(0, dots));
      b = ParseU64(std::string_view(*seeds).substr(dots + 2));
    }
    if (!a || !b) {
      error("--seeds: expected A..B (two non-negative integers), got " + Shown(*seeds));
    } else if (*a > *b) {
      error("--seeds: expected A..B with A <= B, got " + Shown(*seeds));
    } else if (auto range = ParseSeedRange(*seeds); !range) {
      error("--seeds: " + range.error().message);
    }
  }
  if (const std::string* shard = args.Flag("--shard")) {
    std::size_t slash = shard->find('/');
    std::optional<uint64_t> i;
    std::optional<uint64_t> n;
    if (slash != std::string::npos) {
      i = ParseU64(std::string_view(*shard).substr(0, slash));
      n = ParseU64(std::string_view(*shard).substr(slash + 1));
    }
    if (!i || !n || *n == 0 || *i >= *n || *n > kMaxShards) {
      error("--shard: expected I/N, shard I of N with 0 <= I < N (e.g. 0/4), got " + Shown(*shard));
    }
  }
  ReadJobsAndTimeout(args, error);
  ReadNonEmpty(args, "--out", "a directory", error);
  ReadNonEmpty(args, "--junit", "a file name", error);
}

// --swarm, --swarm-kinds, --swarm-loss-max, --fault-points, --emit-scenario (run, sweep, check-determinism).
void ReadSwarmFlags(const ParsedArgs& args, Errors& error) {
  const bool swarm = args.Flag("--swarm") != nullptr;
  for (std::string_view flag : {"--swarm-kinds", "--swarm-loss-max", "--emit-scenario"}) {
    if (args.Flag(flag) && !swarm) error(std::string(flag) + ": only with --swarm");
  }
  if (swarm && args.Flag("--fault-points")) {
    error("--fault-points: not with --swarm (a swarm run draws its fault points from the seed)");
  }
  if (const std::string* k = args.Flag("--swarm-kinds")) {
    if (auto kinds = ParseSwarmKinds(*k); !kinds) error("--swarm-kinds: " + kinds.error().message);
  }
  if (const std::string* l = args.Flag("--swarm-loss-max")) {
    double v = 0;
    auto [ptr, ec] = std::from_chars(l->data(), l->data() + l->size(), v);
    if (l->empty() || ec != std::errc() || ptr != l->data() + l->size() || !(v >= 0) || v > kMaxSwarmLoss) {
      error("--swarm-loss-max: expected a loss fraction in [0, " + Fixed(kMaxSwarmLoss, 1) + "], got " + Shown(*l));
    }
  }
  ReadNonEmpty(args, "--emit-scenario", "a path", error);
}

// The flags a swarm / fault-point run adds to its reproduce line (and a sweep to its runs).
std::vector<std::string> SwarmRunArgs(const ParsedArgs& args) {
  std::vector<std::string> out;
  if (args.Flag("--swarm")) out.push_back("--swarm");
  for (std::string_view flag : {"--swarm-kinds", "--swarm-loss-max"}) {
    if (const std::string* v = args.Flag(flag)) {
      out.emplace_back(flag);
      out.push_back(*v);
    }
  }
  if (args.Flag("--fault-points")) out.push_back("--fault-points");
  return out;
}

// Seconds in (0, kMaxRealDurationS] for serve/client --duration-s.
std::optional<double> ReadDurationS(const ParsedArgs& args, Errors& error) {
  const std::string* t = args.Flag("--duration-s");
  if (!t) return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(t->data(), t->data() + t->size(), v);
  if (t->empty() || ec != std::errc() || ptr != t->data() + t->size() || !(v > 0) || v > kMaxRealDurationS) {
    error("--duration-s: expected seconds in (0, " + Fixed(kMaxRealDurationS, 0) + "], got " + Shown(*t));
    return std::nullopt;
  }
  return v;
}

std::optional<sim::SocketAddress> ReadHostPort(const ParsedArgs& args, std::string_view flag, Errors& error) {
  const std::string* s = args.Flag(flag);
  if (!s) return std::nullopt;
  std::string why;
  auto a = ParseHostPort(*s, &why);
  if (!a) error(std::string(flag) + ": " + why);
  return a;
}

int Serve(const ParsedArgs& args, const CliEnvironment& env, std::ostream& out, std::ostream& err, Errors& error) {
  ServeOptions options;
  if (auto a = ReadHostPort(args, "--listen", error)) options.listen = *a;
  if (const std::string* r = args.Flag("--rtp-ports")) {
    std::string why;
    if (auto range = ParsePortRange(*r, &why)) {
      options.rtp_port_first = range->first;
      options.rtp_port_last = range->second;
    } else {
      error("--rtp-ports: " + why);
    }
  }
  if (const std::string* w = args.Flag("--workers")) {
    auto n = ParseU64(*w);
    if (!n || *n < 1 || *n > static_cast<uint64_t>(kMaxWorkers)) {
      error("--workers: expected an integer in [1, " + std::to_string(kMaxWorkers) + "], got " + Shown(*w));
    } else {
      options.workers = static_cast<int>(*n);
    }
  }
  ReadNonEmpty(args, "--secret", "a shared secret", error);
  if (const std::string* s = args.Flag("--secret")) options.secret = *s;
  if (auto d = ReadDurationS(args, error)) options.duration_s = *d;
  if (error.any()) return kExitBadInput;
  if (!env.run_serve) {
    error("real-network mode is not available in this build");
    return kExitBadInput;
  }
  return env.run_serve(options, out, err);
}

int Client(const ParsedArgs& args, const CliEnvironment& env, std::ostream& out, std::ostream& err, Errors& error) {
  ClientOptions options;
  if (!args.Flag("--server")) error("--server: required (e.g. --server 127.0.0.1:4443)");
  if (auto a = ReadHostPort(args, "--server", error)) options.server = *a;
  ReadNonEmpty(args, "--channel", "a channel id", error);
  ReadNonEmpty(args, "--name", "a user name", error);
  ReadNonEmpty(args, "--secret", "a shared secret", error);
  if (const std::string* s = args.Flag("--channel")) options.channel = *s;
  if (const std::string* s = args.Flag("--name")) options.name = *s;
  if (const std::string* s = args.Flag("--secret")) options.secret = *s;
  if (const std::string* p = args.Flag("--publish")) {
    options.microphone = false;
    std::string_view rest = *p;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string_view item = rest.substr(0, comma);
      if (item == "microphone") {
        options.microphone = true;
      } else if (item == "camera") {
        options.camera = true;
      } else {
        error("--publish: expected a comma-separated list of microphone, camera; got " + Shown(item));
        break;
      }
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  if (auto d = ReadDurationS(args, error)) options.duration_s = *d;
  if (error.any()) return kExitBadInput;
  if (!env.run_client) {
    error("real-network mode is not available in this build");
    return kExitBadInput;
  }
  return env.run_client(options, out, err);
}

// ---------------------------------------------------------------------------------------------
// Scenario files
// ---------------------------------------------------------------------------------------------
// FILE_OR_DIR -> the files it stands for (a directory: its *.json, sorted). Reports a directory
// without scenarios.
std::vector<std::string> ExpandScenarioPaths(const std::string& arg, std::ostream& err, bool& ok) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(arg, ec)) return {arg};
  std::vector<std::string> files;
  for (fs::directory_iterator it(arg, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code file_ec;
    if (it->path().extension() == ".json" && it->is_regular_file(file_ec)) files.push_back(it->path().string());
  }
  if (ec) {
    err << arg << ": cannot read the directory: " << ec.message() << "\n";
    ok = false;
    return {};
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    err << arg << ": no .json scenario files in this directory\n";
    ok = false;
  }
  return files;
}

// Loads every file; prints each problem as "FILE: /pointer: message". True when all are valid.
bool CheckScenarios(const std::vector<std::string>& files, std::ostream* out, std::ostream& err) {
  bool all_valid = true;
  for (const std::string& file : files) {
    LoadResult result = LoadScenarioFile(file);
    for (const Problem& p : result.problems) err << file << ": " << p.ToString() << "\n";
    if (!result.ok()) {
      all_valid = false;
    } else if (out) {
      *out << file << ": valid\n";
    }
  }
  return all_valid;
}

bool CheckScenarioArgs(const std::vector<std::string>& args, std::ostream* out, std::ostream& err) {
  bool ok = true;
  std::vector<std::string> files;
  for (const std::string& arg : args) {
    std::vector<std::string> expanded = ExpandScenarioPaths(arg, err, ok);
    files.insert(files.end(), expanded.begin(), expanded.end());
  }
  return CheckScenarios(files, out, err) && ok;
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------
int List(const CliEnvironment& env, std::ostream& out, std::ostream& err) {
  if (env.library_dir.empty()) {
    err << "sfusim list: no scenario library configured\n";
    return kExitBadInput;
  }
  bool ok = true;
  std::vector<std::string> files = ExpandScenarioPaths(env.library_dir, err, ok);
  if (!ok) return kExitBadInput;
  std::vector<std::pair<std::string, std::string>> rows;
  for (const std::string& file : files) {
    LoadResult result = LoadScenarioFile(file);
    if (!result.ok()) {
      err << file << ": invalid scenario in the library (" << result.problems.size()
          << " problems; see sfusim validate " << file << ")\n";
      ok = false;
      continue;
    }
    rows.emplace_back(result.scenario->name, result.scenario->description);
  }
  std::size_t width = 0;
  for (const auto& row : rows) width = std::max(width, row.first.size());
  for (const auto& [name, description] : rows) {
    out << name;
    if (!description.empty()) out << std::string(width - name.size() + 2, ' ') << description;
    out << "\n";
  }
  return ok ? kExitOk : kExitBadInput;
}

int Demo(const ParsedArgs& args, const CliEnvironment& env, std::ostream& out, std::ostream& err, Errors& error) {
  DemoOptions options;
  if (auto seed = ReadSeed(args, error)) options.seed = *seed;
  ReadNonEmpty(args, "--pcap", "a directory", error);
  ReadNonEmpty(args, "--trace", "a file name", error);
  if (error.any()) return kExitBadInput;
  if (const std::string* pcap = args.Flag("--pcap")) options.pcap_dir = *pcap;
  if (const std::string* trace = args.Flag("--trace")) options.trace_file = *trace;
  if (!env.run_demo) {
    error("the demo is not available in this build");
    return kExitBadInput;
  }
  return env.run_demo(options, out, err);
}

// ---------------------------------------------------------------------------------------------
// Runs
// ---------------------------------------------------------------------------------------------
// What failed in a result, one line each (invariants, SLOs, expected events).
void PrintFailures(const RunResult& r, std::ostream& out) {
  for (const InvariantVerdict& v : r.invariants) {
    if (v.passed) continue;
    out << "  invariant " << v.name << " violated";
    if (v.first_violation) out << " at " << Fixed(v.first_violation->at_s, 3) << " s: " << v.first_violation->detail;
    if (v.violations > 1) out << " (" << v.violations << " violations)";
    out << "\n";
  }
  for (const SloVerdict& s : r.slo) {
    if (s.passed) continue;
    out << "  slo " << s.metric;
    if (!s.participant.empty()) out << " participant=" << s.participant;
    if (!s.from.empty()) out << " from=" << s.from;
    if (!s.after.empty()) out << " after=" << s.after;
    out << ": value " << (s.value ? Fixed(*s.value, 4) : std::string("null"));
    if (s.min) out << ", min " << Fixed(*s.min, 4);
    if (s.max) out << ", max " << Fixed(*s.max, 4);
    if (!s.note.empty()) out << " (" << s.note << ")";
    out << "\n";
  }
  for (const EventVerdict& e : r.expected_events) {
    if (e.passed) continue;
    out << "  expected event " << e.name;
    if (!e.participant.empty()) out << " of " << e.participant;
    if (e.between_s) out << " in [" << Fixed(e.between_s->first, 3) << ", " << Fixed(e.between_s->second, 3) << "] s";
    out << " did not happen\n";
  }
}

std::string SummaryLine(const RunResult& r) {
  return r.scenario + " seed " + std::to_string(r.seed) + (r.mutant ? " mutant " + *r.mutant : "") + ": " +
         (r.passed ? "passed" : "FAILED") + " (trace_hash " + HexHash(r.trace_hash) + ", " + Fixed(r.sim_s, 1) +
         (r.real ? " s on real loopback sockets in " : " s simulated in ") + Fixed(r.wall_s, 2) + " s)";
}

bool WriteTrace(const std::string& path, const sim::Trace& trace, std::string* error) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) {
    *error = "cannot write '" + path + "'";
    return false;
  }
  trace.WriteJsonLines(f);
  return static_cast<bool>(f);
}

struct TimedRun {
  ScenarioRun run;
  double wall_s = 0;
};

TimedRun TimeRun(const CliEnvironment& env, const Scenario& scenario, const RunOptions& options) {
  TimedRun t;
  double start = env.wall_seconds ? env.wall_seconds() : 0;
  t.run = env.run_scenario(scenario, options);
  t.run.result.wall_s = env.wall_seconds ? env.wall_seconds() - start : 0;
  return t;
}

std::optional<Scenario> LoadOne(const std::string& file, std::ostream& err) {
  LoadResult loaded = LoadScenarioFile(file);
  for (const Problem& p : loaded.problems) err << file << ": " << p.ToString() << "\n";
  return loaded.scenario;
}

// The scenario a run plays: the file's, with --fault-points' defaults (when it has none), or
// under --swarm the file with the seed's swarm draw merged in (swarm.h), loaded like any file.
struct Prepared {
  Scenario scenario;
  std::optional<SwarmDraw> swarm;
};

std::optional<Prepared> Prepare(const ParsedArgs& args, const std::string& file, Scenario scenario, uint64_t seed,
                                Errors& error) {
  Prepared p;
  if (args.Flag("--fault-points") && !scenario.fault_points) {
    scenario.fault_points = DefaultFaultPoints(scenario.duration_s);
  }
  if (!args.Flag("--swarm")) {
    p.scenario = std::move(scenario);
    return p;
  }
  SwarmRanges ranges = scenario.swarm.value_or(SwarmRanges{});
  if (const std::string* k = args.Flag("--swarm-kinds")) ranges.kinds = ParseSwarmKinds(*k).value();
  if (const std::string* l = args.Flag("--swarm-loss-max")) ranges.loss_max = std::strtod(l->c_str(), nullptr);
  std::ifstream f(file, std::ios::binary);
  nlohmann::ordered_json base = nlohmann::ordered_json::parse(f, nullptr, false);
  if (base.is_discarded() || !base.is_object()) {
    error(Shown(file) + ": cannot read it again for the swarm draw");
    return std::nullopt;
  }
  SwarmDraw draw = DrawSwarm(scenario, base, seed, ranges);
  LoadResult loaded = LoadScenarioText(draw.scenario.dump());
  if (!loaded.ok()) {
    // A draw the loader refuses is a bug of the draw: say exactly what it produced.
    error("the swarm draw of seed " + std::to_string(seed) + " is not a valid scenario (a bug in sfusim's swarm "
          "draw): " + loaded.problems.front().ToString() + "; drawn: " + draw.summary);
    return std::nullopt;
  }
  p.scenario = std::move(*loaded.scenario);
  // The run keeps the base's name (results group by scenario; the emitted file has its own name).
  p.scenario.name = scenario.name;
  p.swarm = std::move(draw);
  return p;
}

// The reproduce line of a swarm / fault-point run: the usual one plus its flags.
void AddRunFlags(const ParsedArgs& args, RunResult& r, const std::optional<SwarmDraw>& swarm) {
  for (const std::string& a : SwarmRunArgs(args)) r.reproduce += " " + a;
  if (swarm) r.swarm = swarm->record.dump();
}

int Run(const ParsedArgs& args, const CliEnvironment& env, std::ostream& out, std::ostream& err, Errors& error) {
  const std::string& file = args.positional[0];
  std::optional<Scenario> loaded = LoadOne(file, err);
  if (!loaded) return kExitBadInput;
  RunOptions options;
  options.seed = ReadSeed(args, error).value_or(kDefaultSeed);
  const std::string base_name = loaded->name;
  std::optional<Prepared> prepared = Prepare(args, file, std::move(*loaded), options.seed, error);
  if (!prepared) return kExitBadInput;
  const Scenario* scenario = &prepared->scenario;
  options.scenario_path = file;
  if (const std::string* m = args.Flag("--mutant")) {
    ApplyMutant(*m, options.mutants);
    options.mutant_name = *m;
  }
  std::string dir;
  if (const std::string* o = args.Flag("--out")) {
    dir = *o;
  } else {
    dir = std::string(kDefaultOutRoot) + "/" + base_name + "/seed-" + std::to_string(options.seed) +
          (options.mutant_name.empty() ? "" : "-" + options.mutant_name) + (prepared->swarm ? "-swarm" : "");
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    error("--out: cannot create " + Shown(dir) + ": " + ec.message());
    return kExitBadInput;
  }
  if (args.Flag("--pcap")) options.pcap_dir = dir;
  if (args.Flag("--real")) {
    // Real-network mode (real_mode.h): what needs the simulator is refused up front, by place.
    if (args.Flag("--pcap")) {
      error("--pcap: not available with --real (capture the loopback instead: tshark -i lo)");
      return kExitBadInput;
    }
    const std::vector<Problem> problems = RealModeProblems(*scenario);
    for (const Problem& p : problems) err << file << ": " << p.ToString() << "\n";
    if (!problems.empty()) return kExitBadInput;
    for (const std::string& note : RealModeNotes(*scenario)) out << "  --real: " << note << "\n";
    options.real = true;
  }
  TimedRun t = TimeRun(env, *scenario, options);
  if (!t.run.ok) {
    error(t.run.error);
    return kExitBadInput;
  }
  RunResult& r = t.run.result;
  AddRunFlags(args, r, prepared->swarm);
  std::string e;
  if (!WriteResultFile(dir + "/result.json", r, &e)) {
    error(e);
    return kExitBadInput;
  }
  if (const std::string* emit = args.Flag("--emit-scenario"); emit && prepared->swarm) {
    std::error_code ec2;
    std::filesystem::path ep(*emit);
    if (ep.has_parent_path()) std::filesystem::create_directories(ep.parent_path(), ec2);
    std::ofstream ef(*emit, std::ios::binary | std::ios::trunc);
    ef << prepared->swarm->scenario.dump(2) << "\n";
    if (!ef) {
      error("--emit-scenario: cannot write " + Shown(*emit));
      return kExitBadInput;
    }
  }
  if (args.Flag("--trace") && t.run.trace && !WriteTrace(dir + "/trace.jsonl", *t.run.trace, &e)) {
    error("--trace: " + e);
    return kExitBadInput;
  }
  out << SummaryLine(r) << "\n";
  out << "  result: " << dir << "/result.json\n";
  if (r.passed) return kExitOk;
  PrintFailures(r, out);
  if (prepared->swarm) out << "  swarm: " << prepared->swarm->summary << "\n";
  out << "  seed " << r.seed << "; reproduce: " << r.reproduce << "\n";
  return kExitFailed;
}

int CheckDeterminism(const ParsedArgs& args, const CliEnvironment& env, std::ostream& out, std::ostream& err,
                     Errors& error) {
  const std::string& file = args.positional[0];
  std::optional<Scenario> loaded = LoadOne(file, err);
  if (!loaded) return kExitBadInput;
  RunOptions options;
  options.seed = ReadSeed(args, error).value_or(kDefaultSeed);
  options.scenario_path = file;
  std::optional<Prepared> prepared = Prepare(args, file, std::move(*loaded), options.seed, error);
  if (!prepared) return kExitBadInput;
  const Scenario* scenario = &prepared->scenario;
  ScenarioRun a = env.run_scenario(*scenario, options);
  if (!a.ok) {
    error(a.error);
    return kExitBadInput;
  }
  ScenarioRun b = env.run_scenario(*scenario, options);
  if (!b.ok) {
    error(b.error);
    return kExitBadInput;
  }
  const std::string name = scenario->name + " seed " + std::to_string(options.seed);
  bool same_hash = a.result.trace_hash == b.result.trace_hash;
  bool same_result = ResultJsonText(a.result, false) == ResultJsonText(b.result, false);
  if (same_hash && same_result) {
    out << name << ": deterministic (trace_hash " << HexHash(a.result.trace_hash) << ", " << a.result.trace_records
        << " records)\n";
    return kExitOk;
  }
  out << name << ": NOT deterministic: trace_hash " << HexHash(a.result.trace_hash) << " vs "
      << HexHash(b.result.trace_hash) << (same_hash ? " (equal), but the results differ" : "") << "\n";
  if (a.trace && b.trace) {
    if (auto d = sim::FirstDivergence(*a.trace, *b.trace)) {
      out << "  first divergence at record " << d->index << ", simulated time " << Fixed(d->at.seconds(), 6)
          << " s\n  run 1: " << d->left << "\n  run 2: " << d->right << "\n";
    }
  }
  out << "  reproduce: sfusim check-determinism " << file << " --seed " << options.seed;
  for (const std::string& x : SwarmRunArgs(args)) out << " " << x;
  out << "\n";
  return kExitFailed;
}

int Suite(const ParsedArgs& args, const CliEnvironment& env, std::ostream& out, std::ostream& err, Errors& error) {
  std::string source = args.positional.empty() ? env.library_dir : args.positional[0];
  if (source.empty()) {
    error("no scenario library configured; give a directory");
    return kExitBadInput;
  }
  bool ok = true;
  std::vector<std::string> files = ExpandScenarioPaths(source, err, ok);
  if (!ok) return kExitBadInput;
  uint64_t seed = ReadSeed(args, error).value_or(kDefaultSeed);
  if (error.any()) return kExitBadInput;
  std::string root = args.Flag("--out") ? *args.Flag("--out") : std::string(kDefaultOutRoot) + "/suite";
  std::ostringstream summary;
  summary << "sfusim suite: " << files.size() << " scenarios, seed " << seed << "\n";
  int passed = 0, failed = 0, broken = 0;
  for (const std::string& file : files) {
    std::optional<Scenario> scenario = LoadOne(file, err);
    if (!scenario) {
      summary << "  " << file << ": INVALID\n";
      ++broken;
      continue;
    }
    RunOptions options;
    options.seed = seed;
    options.scenario_path = file;
    TimedRun t = TimeRun(env, *scenario, options);
    if (!t.run.ok) {
      summary << "  " << scenario->name << ": ERROR " << t.run.error << "\n";
      ++broken;
      continue;
    }
    const RunResult& r = t.run.result;
    std::string dir = root + "/" + scenario->name;
    std::string e;
    if (!WriteResultFile(dir + "/result.json", r, &e)) err << "sfusim suite: " << e << "\n";
    summary << "  " << SummaryLine(r) << "\n";
    if (r.passed) {
      ++passed;
    } else {
      ++failed;
      std::ostringstream failures;
      PrintFailures(r, failures);
      std::istringstream lines(failures.str());
      for (std::string line; std::getline(lines, line);) summary << "  " << line << "\n";
      summary << "    reproduce: " << r.reproduce << "\n";
    }
  }
  summary << "passed " << passed << ", failed " << failed << ", errors " << broken << "; results in " << root << "\n";
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  std::ofstream(root + "/summary.txt") << summary.str();
  out << summary.str();
  // The report over the suite's results (the default main job's artefact).
  ReportCommandOptions report;
  report.results_dir = root;
  report.title = "sfusim suite (seed " + std::to_string(seed) + ")";
  std::ostringstream report_out;
  std::ostringstream report_err;
  int report_code = RunReportCommand(report, report_out, report_err);
  if (report_code == kExitBadInput) {
    err << report_err.str();
  } else {
    out << "report: " << root << "/report.html (Markdown: " << root << "/report.md)\n";
  }
  if (broken) return kExitBadInput;
  return failed ? kExitFailed : kExitOk;
}

// (file, scenario name) of every scenario file under `paths`, in the order given (a directory's
// files sorted by name); each must load, and no two may share a name (their results would share a
// directory). nullopt after printing what is wrong.
std::optional<std::vector<std::pair<std::string, std::string>>> NamedScenarios(const std::vector<std::string>& paths,
                                                                               std::ostream& err, Errors& error) {
  std::vector<std::pair<std::string, std::string>> named;
  std::map<std::string, std::string> seen;  // scenario name -> file
  for (const std::string& path : paths) {
    bool ok = true;
    const std::vector<std::string> files = ExpandScenarioPaths(path, err, ok);
    if (!ok) return std::nullopt;
    for (const std::string& file : files) {
      std::optional<Scenario> scenario = LoadOne(file, err);
      if (!scenario) return std::nullopt;
      auto [it, fresh] = seen.emplace(scenario->name, file);
      if (!fresh) {
        error("two scenario files are named " + Shown(scenario->name) + " (" + it->second + ", " + file +
              "): their results would share a directory");
        return std::nullopt;
      }
      named.emplace_back(file, scenario->name);
    }
  }
  return named;
}

int Sweep(const ParsedArgs& args, const CliEnvironment& env, std::ostream& out, std::ostream& err, Errors& error) {
  if (env.self_exe.empty()) {
    error("sweeps need the sfusim program to run (no self_exe in this environment)");
    return kExitBadInput;
  }
  auto scenarios = NamedScenarios({args.positional[0]}, err, error);
  if (!scenarios) return kExitBadInput;
  SweepCommandOptions options;
  options.scenarios = std::move(*scenarios);
  options.seeds = ParseSeedRange(*args.Flag("--seeds")).value();
  if (const std::string* shard = args.Flag("--shard")) options.shard = ParseShard(*shard).value();
  options.jobs = env.default_jobs > 0 ? env.default_jobs : DefaultParallelism();
  if (const std::string* jobs = args.Flag("--jobs")) options.jobs = static_cast<int>(*ParseU64(*jobs));
  if (const std::string* t = args.Flag("--timeout-s")) options.timeout_s = std::strtod(t->c_str(), nullptr);
  options.out_dir = args.Flag("--out") ? *args.Flag("--out") : std::string(kDefaultOutRoot) + "/sweep";
  if (const std::string* junit = args.Flag("--junit")) options.junit_file = *junit;
  options.run_args = SwarmRunArgs(args);
  options.swarm = args.Flag("--swarm") != nullptr;
  if (const std::string* emit = args.Flag("--emit-scenario")) options.emit_dir = *emit;
  options.self_exe = env.self_exe;
  options.tty = env.out_is_tty;
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) {
    error("--out: cannot create " + Shown(options.out_dir) + ": " + ec.message());
    return kExitBadInput;
  }
  return RunSweepCommand(options, out, err);
}

// The mutants of --only A,B (every one without it); names checked by ReadOnly.
std::vector<std::string> OnlyMutants(const ParsedArgs& args) {
  std::vector<std::string> names;
  const std::string* only = args.Flag("--only");
  for (const MutantSpec& spec : kMutants) {
    if (!only || ("," + *only + ",").find("," + std::string(spec.name) + ",") != std::string::npos) {
      names.emplace_back(spec.name);
    }
  }
  return names;
}

int MutantsCmd(const ParsedArgs& args, const CliEnvironment& env, std::ostream& out, std::ostream& err,
               Errors& error) {
  if (env.self_exe.empty()) {
    error("mutants need the sfusim program to run (no self_exe in this environment)");
    return kExitBadInput;
  }
  std::vector<std::string> paths = args.positional;
  if (paths.empty()) paths.push_back(env.library_dir);
  if (paths[0].empty()) {
    error("no scenario library in this build: name a scenario file or directory");
    return kExitBadInput;
  }
  // In the order given: with --first-kill, put cheap ones first.
  auto scenarios = NamedScenarios(paths, err, error);
  if (!scenarios) return kExitBadInput;
  MutantsCommandOptions options;
  options.scenarios = std::move(*scenarios);
  if (const std::string* fz = args.Flag("--fuzzer")) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(*fz, ec)) {
      error("--fuzzer: " + Shown(*fz) + " is not a program file");
      return kExitBadInput;
    }
    options.fuzzer = std::filesystem::absolute(*fz, ec).string();
  }
  options.mutants = OnlyMutants(args);
  options.seed = ReadSeed(args, error).value_or(kDefaultSeed);
  options.jobs = env.default_jobs > 0 ? env.default_jobs : DefaultParallelism();
  if (const std::string* jobs = args.Flag("--jobs")) options.jobs = static_cast<int>(*ParseU64(*jobs));
  if (const std::string* t = args.Flag("--timeout-s")) options.timeout_s = std::strtod(t->c_str(), nullptr);
  options.out_dir = args.Flag("--out") ? *args.Flag("--out") : std::string(kDefaultOutRoot) + "/mutants";
  options.self_exe = env.self_exe;
  options.first_kill = args.Flag("--first-kill") != nullptr;
  options.skip_baseline = args.Flag("--skip-baseline") != nullptr;
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) {
    error("--out: cannot create " + Shown(options.out_dir) + ": " + ec.message());
    return kExitBadInput;
  }
  return RunMutantsCommand(options, out, err);
}

int Report(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
  ReportCommandOptions options;
  options.results_dir = args.positional[0];
  if (const std::string* o = args.Flag("--out")) options.out_dir = *o;
  if (const std::string* b = args.Flag("--baseline")) options.baseline_dir = *b;
  if (const std::string* b = args.Flag("--bench")) options.bench_file = *b;
  return RunReportCommand(options, out, err);
}

int RunCommand(const CommandSpec& spec, std::span<const std::string> rest, const CliEnvironment& env,
               std::ostream& out, std::ostream& err) {
  Errors error(err, spec.name);
  std::optional<ParsedArgs> args = ParseArgs(spec, rest, error);
  if (!args) return kExitBadInput;
  if (args->help) {
    PrintCommandUsage(spec, out);
    return kExitOk;
  }
  const std::string_view name = spec.name;
  if (name == "help") {
    if (args->positional.empty()) {
      PrintUsage(out);
      return kExitOk;
    }
    const CommandSpec* topic = FindCommand(args->positional[0]);
    if (!topic) {
      error("unknown command " + Shown(args->positional[0]));
      return kExitBadInput;
    }
    PrintCommandUsage(*topic, out);
    return kExitOk;
  }
  if (name == "validate") return CheckScenarioArgs(args->positional, &out, err) ? kExitOk : kExitBadInput;
  if (name == "list") return List(env, out, err);
  if (name == "demo") return Demo(*args, env, out, err, error);
  if (name == "serve") return Serve(*args, env, out, err, error);
  if (name == "client") return Client(*args, env, out, err, error);
  if (name == "suite") {
    ReadNonEmpty(*args, "--out", "a directory", error);
    ReadSeed(*args, error);
    if (error.any()) return kExitBadInput;
    if (!env.run_scenario) {
      error("scenario runs are not available in this build");
      return kExitBadInput;
    }
    return Suite(*args, env, out, err, error);
  }

  if (name == "run") {
    ReadSeed(*args, error);
    ReadNonEmpty(*args, "--out", "a directory", error);
    ReadMutant(*args, error);
    ReadSwarmFlags(*args, error);
  } else if (name == "sweep") {
    ReadSweepFlags(*args, error);
    ReadSwarmFlags(*args, error);
  } else if (name == "check-determinism") {
    ReadSeed(*args, error);
    ReadSwarmFlags(*args, error);
  } else if (name == "mutants") {
    ReadSeed(*args, error);
    ReadJobsAndTimeout(*args, error);
    ReadNonEmpty(*args, "--out", "a directory", error);
    ReadNonEmpty(*args, "--fuzzer", "a program", error);
    ReadOnly(*args, error);
  } else if (name == "report") {
    ReadNonEmpty(*args, "--baseline", "a directory", error);
    ReadNonEmpty(*args, "--out", "a directory", error);
    ReadNonEmpty(*args, "--bench", "a file name", error);
    if (const std::string* b = args->Flag("--baseline"); b && !b->empty()) {
      std::error_code ec;
      if (!std::filesystem::is_directory(*b, ec)) error("--baseline: " + Shown(*b) + " is not a directory of results");
    }
  }
  if (error.any()) return kExitBadInput;
  if (name == "report") {
    std::error_code ec;
    if (!std::filesystem::is_directory(args->positional[0], ec)) {
      error(Shown(args->positional[0]) + " is not a directory of results");
      return kExitBadInput;
    }
    return Report(*args, out, err);
  }
  if (name == "run" || name == "check-determinism") {
    std::error_code ec;
    if (std::filesystem::is_directory(args->positional[0], ec)) {
      error(Shown(args->positional[0]) + " is a directory: expected one scenario file (sweep takes directories)");
      return kExitBadInput;
    }
  }
  // The scenarios named must be valid even before they can run: bad input is reported as such.
  if (!args->positional.empty() && !CheckScenarioArgs(args->positional, nullptr, err)) return kExitBadInput;
  if (name == "run" || name == "check-determinism") {
    if (!env.run_scenario) {
      error("scenario runs are not available in this build");
      return kExitBadInput;
    }
    return name == "run" ? Run(*args, env, out, err, error) : CheckDeterminism(*args, env, out, err, error);
  }
  if (name == "sweep") return Sweep(*args, env, out, err, error);
  return MutantsCmd(*args, env, out, err, error);
}

}  // namespace

int RunCli(std::vector<std::string> args, std::ostream& out, std::ostream& err, const CliEnvironment& env) {
  if (args.empty()) {
    if (env.default_is_suite && env.run_scenario && !env.library_dir.empty()) {
      return RunCli({"suite"}, out, err, env);
    }
    if (!env.run_demo) {
      err << "sfusim: the demo is not available in this build (see sfusim --help)\n";
      return kExitBadInput;
    }
    return env.run_demo(DemoOptions{}, out, err);
  }
  const std::string& first = args[0];
  if (first == "--help" || first == "-h") {
    PrintUsage(out);
    return kExitOk;
  }
  const CommandSpec* spec = FindCommand(first);
  if (!spec) {
    std::vector<std::string_view> names;
    for (const CommandSpec& c : kCommands) names.push_back(c.name);
    std::string_view close = ClosestMatch(first, names);
    err << "sfusim: unknown " << (first.rfind('-', 0) == 0 ? "flag " : "command ") << Shown(first)
        << (close.empty() ? "" : " (did you mean " + std::string(close) + "?)") << "; see sfusim --help\n";
    return kExitBadInput;
  }
  return RunCommand(*spec, std::span<const std::string>(args).subspan(1), env, out, err);
}

}  // namespace sfusim::scenario
