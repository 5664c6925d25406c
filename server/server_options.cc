#include "server_options.h"

#include <CLI/CLI.hpp>

#include <charconv>
#include <fstream>
#include <sstream>

#include "faults.h"
#include "jobs_format.h"

namespace mtg::server {

Result<int64_t> ParseDuration(std::string_view text) {
  int64_t value = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value < 0 || text.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "invalid duration: " + std::string(text));
  }
  std::string_view unit(p, static_cast<size_t>(text.data() + text.size() - p));
  int64_t scale;
  if (unit == "ms") scale = 1;
  else if (unit.empty() || unit == "s") scale = 1000;
  else if (unit == "m") scale = 60 * 1000;
  else if (unit == "h") scale = 3600 * 1000;
  else if (unit == "d") scale = 86400 * 1000;
  else return Fail(ErrorCode::kInvalidArgument, "invalid duration unit in " + std::string(text) + " (ms, s, m, h, d)");
  if (value > INT64_MAX / scale) return Fail(ErrorCode::kInvalidArgument, "duration too large: " + std::string(text));
  return value * scale;
}

Result<std::pair<std::string, int>> ParseListen(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Fail(ErrorCode::kInvalidArgument, "--listen wants HOST:PORT, got " + std::string(text));
  }
  std::string host(text.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string_view port_text = text.substr(colon + 1);
  int port = -1;
  auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || p != port_text.data() + port_text.size() || port < 0 || port > 65535) {
    return Fail(ErrorCode::kInvalidArgument, "invalid port in --listen " + std::string(text));
  }
  return std::make_pair(host, port);
}

Result<std::vector<std::pair<std::string, std::string>>> ParseCredentials(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in{std::string(text)};
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::istringstream fields(line);
    std::string access, secret, extra;
    if (!(fields >> access) || access[0] == '#') continue;
    if (!(fields >> secret) || (fields >> extra)) {
      return Fail(ErrorCode::kParse, "credentials line " + std::to_string(number) +
                                         ": expected ACCESS_KEY SECRET_KEY");
    }
    out.emplace_back(std::move(access), std::move(secret));
  }
  return out;
}

Result<ParsedCommandLine> ParseCommandLine(int argc, const char* const* argv) {
  ParsedCommandLine parsed;
  ServerOptions& o = parsed.options;
  std::string listen = "127.0.0.1:0";
  std::vector<std::string> access_keys, secret_keys;
  std::string credentials_file;

  CLI::App app{"mtglacier-server: a local Amazon Glacier (API 2012-06-01) server. Archives are "
               "stored as files under --store, metadata in an SQLite catalogue beside them. "
               "Clients sign with SigV4 (any region, service glacier) using the accounts given "
               "here; each access key is its own account.",
               "mtglacier-server"};
  app.add_option("--listen", listen,
                 "HOST:PORT to listen on; port 0 picks a free port. The first line on stdout is "
                 "'listening on HOST:PORT'")
      ->capture_default_str();
  app.add_option("--store", o.store_dir, "Directory holding the catalogue and the archive files (created if missing)")
      ->required();
  app.add_option("--access-key", access_keys, "Access key of an account (repeatable; pair each with --secret-key)");
  app.add_option("--secret-key", secret_keys, "Secret key of the account named by the matching --access-key");
  app.add_option("--credentials", credentials_file,
                 "File of accounts, one 'ACCESS_KEY SECRET_KEY' per line; # starts a comment");
  app.add_option("--job-delay", o.job_delay,
                 "How long retrieval and inventory jobs stay InProgress: one duration for all "
                 "(0, 250ms, 30s, 5m, 4h, 1d) or per tier, e.g. "
                 "Expedited=1m,Standard=4h,Bulk=12h,Inventory=4h")
      ->capture_default_str();
  std::string clock_offset = "0";
  app.add_option("--clock-offset", clock_offset,
                 "Start the job clock this far ahead of real time (job due times and expiry only; "
                 "signatures are still checked against real time)")
      ->capture_default_str();
  app.add_flag("--test-clock", o.test_clock,
               "Add POST/GET /{account}/mtglacier-test/clock?advance=DURATION to move the job "
               "clock forward (for tests)");
  app.add_option("--faults", o.faults, std::string("Inject faults. ") + std::string(FaultSpecHelp()));
  app.add_option("--fault-seed", o.fault_seed, "Seed for fault decisions (same seed, same faults)")
      ->capture_default_str();
  app.add_option("--access-log", o.access_log, "Append one line per request to FILE");
  app.add_option("--id-seed", o.id_seed, "Seed for archive/upload/job ids (0 = random); for repeatable tests")
      ->capture_default_str();
  app.add_option("--threads", o.threads, "Connection threads (each open connection holds one)")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    parsed.exit_now = true;
    parsed.text = app.help();
    return parsed;
  } catch (const CLI::ParseError& e) {
    return Fail(ErrorCode::kInvalidArgument, e.what());
  }

  auto where = ParseListen(listen);
  if (!where) return std::unexpected(where.error());
  o.listen_host = where->first;
  o.listen_port = where->second;
  auto delays = ParseJobDelays(o.job_delay);
  if (!delays) return std::unexpected(delays.error().WithContext("--job-delay"));
  o.job_delay_ms = delays->standard_ms;
  auto offset = ParseDuration(clock_offset);
  if (!offset) return std::unexpected(offset.error().WithContext("--clock-offset"));
  o.clock_offset_ms = *offset;
  if (access_keys.size() != secret_keys.size()) {
    return Fail(ErrorCode::kInvalidArgument, "each --access-key needs a matching --secret-key");
  }
  for (size_t i = 0; i < access_keys.size(); ++i) o.credentials.emplace_back(access_keys[i], secret_keys[i]);
  if (!credentials_file.empty()) {
    std::ifstream in(credentials_file);
    if (!in) return Fail(ErrorCode::kIo, "cannot read --credentials " + credentials_file);
    std::stringstream buffer;
    buffer << in.rdbuf();
    auto creds = ParseCredentials(buffer.str());
    if (!creds) return std::unexpected(creds.error().WithContext(credentials_file));
    for (auto& c : *creds) o.credentials.push_back(std::move(c));
  }
  if (o.credentials.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "no account: give --access-key/--secret-key or --credentials");
  }
  return parsed;
}

}  // namespace mtg::server
