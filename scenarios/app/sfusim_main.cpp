// The `sfusim` program: hands its arguments to RunCli (cli.h), with the built-in scenario library
// this build was configured with and the built-in demo.
#include <iostream>
#include <string>
#include <vector>

#include "sfusim/scenario/cli.h"
#include "sfusim/scenario/demo.h"

#ifndef SFUSIM_LIBRARY_DIR
#define SFUSIM_LIBRARY_DIR ""
#endif

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + (argc > 0 ? argc : 0));
  sfusim::scenario::CliEnvironment env;
  env.library_dir = SFUSIM_LIBRARY_DIR;
  env.run_demo = sfusim::scenario::RunDemo;
  int code = sfusim::scenario::RunCli(std::move(args), std::cout, std::cerr, env);
  std::cout.flush();
  return code;
}
