# Finds every dependency from its Debian package (../shared/ENVIRONMENT.md). A missing one stops
# configuration with the name of the package to install (scripts/setup.sh installs them all).

find_package(PkgConfig QUIET)
if(NOT PkgConfig_FOUND)
  message(FATAL_ERROR "pkg-config not found: install the Debian package 'pkg-config' (or run scripts/setup.sh)")
endif()

macro(sfusim_require found pkg what)
  if(NOT ${found})
    message(FATAL_ERROR "${what} not found: install the Debian package '${pkg}' (or run scripts/setup.sh)")
  endif()
endmacro()

find_package(Threads REQUIRED)

find_package(Boost 1.74 CONFIG QUIET)
sfusim_require(Boost_FOUND libboost-dev "Boost (Asio)")

pkg_check_modules(SRTP2 QUIET IMPORTED_TARGET libsrtp2)
sfusim_require(SRTP2_FOUND libsrtp2-dev "libsrtp2")

pkg_check_modules(OPUS QUIET IMPORTED_TARGET opus)
sfusim_require(OPUS_FOUND libopus-dev "Opus")

pkg_check_modules(OPENH264 QUIET IMPORTED_TARGET openh264)
sfusim_require(OPENH264_FOUND libopenh264-dev "OpenH264")

find_package(nlohmann_json 3.11 CONFIG QUIET)
sfusim_require(nlohmann_json_FOUND nlohmann-json3-dev "nlohmann_json")

if(SFUSIM_BUILD_TESTS)
  find_package(Catch2 2.13 CONFIG QUIET)
  sfusim_require(Catch2_FOUND catch2 "Catch2 2.13")
  find_package(rapidcheck CONFIG QUIET)
  sfusim_require(rapidcheck_FOUND librapidcheck-dev "RapidCheck")
  find_package(benchmark CONFIG QUIET)
  sfusim_require(benchmark_FOUND libbenchmark-dev "Google Benchmark")
endif()
