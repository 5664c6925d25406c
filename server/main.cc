// mtglacier-server entry point: parse flags, open and recover the store, listen, print
// "listening on HOST:PORT", serve until SIGTERM/SIGINT, exit 0.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "base/clock.h"
#include "base/log.h"
#include "server.h"
#include "server_options.h"

int main(int argc, char** argv) {
  using namespace mtg::server;
  auto parsed = ParseCommandLine(argc, argv);
  if (!parsed) {
    std::cerr << "mtglacier-server: " << parsed.error().message << "\n";
    return 2;
  }
  if (parsed->exit_now) {
    std::cout << parsed->text;
    return 0;
  }
  mtg::SetLogSink([](mtg::LogLevel, std::string_view message) { std::cerr << message << "\n"; },
                  mtg::LogLevel::kWarning);

  // Signals are taken by one thread with sigwait, so no handler runs inside a request thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto server = GlacierServer::Create(parsed->options, mtg::SystemClock::Instance());
  if (!server) {
    std::cerr << "mtglacier-server: " << server.error().message << "\n";
    return 1;
  }
  auto port = (*server)->Bind();
  if (!port) {
    std::cerr << "mtglacier-server: " << port.error().message << "\n";
    return 1;
  }
  const std::string& host = parsed->options.listen_host;
  bool v6 = host.find(':') != std::string::npos;
  std::printf("listening on %s%s%s:%d\n", v6 ? "[" : "", host.c_str(), v6 ? "]" : "", *port);
  std::fflush(stdout);

  GlacierServer* s = server->get();
  std::atomic<bool> done{false};
  std::thread waiter([s, signals, &done] {
    int sig = 0;
    sigwait(&signals, &sig);
    s->Stop();
    // Connections idling in keep-alive hold their threads for a few seconds more. Everything
    // acknowledged is already durable (fsync + committed catalogue), so do not wait for them.
    for (int i = 0; i < 100 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!done) {
      std::fflush(stdout);
      std::_Exit(0);
    }
  });
  s->Run();
  done = true;
  // Run() only returns after Stop(), which only the signal thread calls.
  waiter.join();
  return 0;
}
