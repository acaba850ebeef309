// The `sfusim` program: hands its arguments to RunCli (cli.h), with the built-in scenario library
// this build was configured with, the scenario runner, the built-in demo, and the one wall clock
// of the program (only for result.json's wall_s: nothing simulated ever reads it). `sweep` runs
// this same program (/proc/self/exe, else argv[0]) as its worker processes.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "sfusim/scenario/cli.h"
#include "sfusim/scenario/demo.h"
#include "sfusim/scenario/scenario_runner.h"

#ifndef SFUSIM_LIBRARY_DIR
#define SFUSIM_LIBRARY_DIR ""
#endif

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + (argc > 0 ? argc : 0));
  sfusim::scenario::CliEnvironment env;
  env.library_dir = SFUSIM_LIBRARY_DIR;
  env.run_demo = sfusim::scenario::RunDemo;
  env.run_scenario = sfusim::scenario::RunScenario;
  env.run_serve = sfusim::scenario::RunServe;
  env.run_client = sfusim::scenario::RunClient;
  env.wall_seconds = [] {
    using Clock = std::chrono::steady_clock;
    return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
  };
  env.default_is_suite = true;
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec && argc > 0) self = std::filesystem::absolute(argv[0], ec);
  env.self_exe = self.string();
  env.out_is_tty = isatty(STDOUT_FILENO) == 1;
  int code = sfusim::scenario::RunCli(std::move(args), std::cout, std::cerr, env);
  std::cout.flush();
  return code;
}
