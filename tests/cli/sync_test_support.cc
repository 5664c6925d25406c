#include "sync_test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "glacier/client.h"
#include "hash/sha256.h"
#include "hash/tree_hash.h"
#include "http/curl_transport.h"
#include "io/file_system.h"
#include "journal/journal_file.h"

namespace mtg::testing {
namespace {

namespace fs = std::filesystem;

// A client of the test server with fast retries (the fault tests make it retry a lot).
struct TestClient {
  explicit TestClient(const ServerProcess& server) {
    glacier::ClientConfig config;
    config.endpoint = *glacier::ParseEndpoint(server.endpoint());
    config.region = "us-east-1";
    config.credentials = {ServerProcess::kAccessKey, ServerProcess::kSecretKey, ""};
    config.retry.initial_delay_ms = 5;
    config.retry.max_delay_ms = 50;
    config.retry.max_attempts = 40;
    client = std::make_unique<glacier::Client>(config, transport, SystemClock::Instance());
  }
  http::CurlTransport transport;
  std::unique_ptr<glacier::Client> client;
};

std::optional<std::string> JobOutput(glacier::Client& client, const std::string& vault, const std::string& job) {
  std::string body;
  auto got = client.GetJobOutput(vault, job, std::nullopt, [&body]() -> http::BodySink {
    body.clear();
    return [&body](std::span<const uint8_t> data) -> Result<void> {
      body.append(reinterpret_cast<const char*>(data.data()), data.size());
      return Ok();
    };
  });
  if (!got) return std::nullopt;
  return body;
}

}  // namespace

Sandbox::Sandbox() {
  std::string tmpl = (fs::temp_directory_path() / "mtg-sync-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
  root_ = tmpl;
  fs::create_directories(root_ / "data");
}

Sandbox::~Sandbox() {
  std::error_code ec;
  fs::remove_all(root_, ec);
}

void Sandbox::SetEndpoint(const std::string& endpoint) {
  config_ = (root_ / "glacier.cfg").string();
  std::ofstream(config_) << "key=" << ServerProcess::kAccessKey << "\nsecret=" << ServerProcess::kSecretKey
                         << "\nregion=us-east-1\nendpoint=" << endpoint << "\n";
}

void Sandbox::Write(const std::string& rel, const std::string& content, int64_t mtime) {
  fs::path p = root_ / "data" / rel;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
  (void)io::PosixFileSystem::Instance().SetMtime(p.string(), mtime);
}

void Sandbox::WriteRandom(const std::string& rel, size_t size, int64_t mtime) {
  Write(rel, RandomBytes(size, static_cast<uint32_t>(std::hash<std::string>{}(rel))), mtime);
}

std::string Sandbox::CommandLine(const std::vector<std::string>& args) const {
  std::string cmd = "env -i PATH=/usr/bin:/bin HOME=" + ShellQuote(root_.string()) + " " + ShellQuote(MTG_CLI_BINARY);
  for (const auto& a : args) cmd += " " + ShellQuote(a);
  if (!args.empty() && !config_.empty()) cmd += " --config " + ShellQuote(config_);
  return cmd;
}

RunResult Sandbox::RunWithStdin(const std::vector<std::string>& args, const std::string& input) const {
  const fs::path in = root_ / "stdin";
  std::ofstream(in, std::ios::binary | std::ios::trunc) << input;
  return RunShell(CommandLine(args), root_, in.string());
}

RunResult Sandbox::Run(const std::vector<std::string>& args) const { return RunWithStdin(args, ""); }

std::string RandomBytes(size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(size, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

std::string TreeHashHex(const std::string& data) {
  return hash::ToHex(hash::TreeHashOf(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size())));
}

std::map<std::string, JournalEntry> LiveJournal(const std::string& journal_path) {
  std::map<std::string, JournalEntry> out;
  auto state = journal::LoadJournal(io::PosixFileSystem::Instance(), journal_path);
  if (!state) return out;
  for (size_t i = 0; i < state->file_count(); ++i) {
    journal::Archive a = state->file(i).latest();
    out[std::string(a.relfilename())] = JournalEntry{a.archive_id(), a.size(), a.tree_hash()};
  }
  return out;
}

std::map<std::string, VaultArchive> VaultArchives(const ServerProcess& server, const std::string& vault) {
  TestClient c(server);
  std::map<std::string, VaultArchive> ids;
  auto job = c.client->InitiateInventoryRetrieval(vault, glacier::InventoryRetrieval{});
  if (!job) return ids;
  auto body = JobOutput(*c.client, vault, *job);
  if (!body) return ids;
  nlohmann::json inventory = nlohmann::json::parse(*body, nullptr, false);
  if (inventory.is_discarded()) return ids;
  for (const auto& a : inventory["ArchiveList"]) {
    ids[a["ArchiveId"].get<std::string>()] = VaultArchive{a["Size"].get<uint64_t>(), a["SHA256TreeHash"].get<std::string>(),
                                                          a["ArchiveDescription"].get<std::string>()};
  }
  return ids;
}

std::string CompareVaultWithJournal(const ServerProcess& server, const std::string& vault,
                                    const std::string& journal_path) {
  std::string diff;
  auto state = journal::LoadJournal(io::PosixFileSystem::Instance(), journal_path);
  if (!state) return "journal: " + state.error().message + "\n";
  auto archives = VaultArchives(server, vault);
  for (const journal::Archive& a : state->archives()) {
    auto it = archives.find(a.archive_id());
    if (it == archives.end()) {
      diff += "missing from the vault: " + std::string(a.relfilename()) + "\n";
      continue;
    }
    if (it->second.size != a.size() || it->second.tree_hash != a.tree_hash()) {
      diff += "differs: " + std::string(a.relfilename()) + "\n";
    }
    archives.erase(it);
  }
  for (const auto& [id, info] : archives) diff += "not in the journal: " + id + "\n";
  return diff;
}

std::optional<std::string> RetrieveArchive(const ServerProcess& server, const std::string& vault,
                                           const std::string& archive_id) {
  TestClient c(server);
  glacier::ArchiveRetrieval request;
  request.archive_id = archive_id;
  auto job = c.client->InitiateArchiveRetrieval(vault, request);
  if (!job) return std::nullopt;
  return JobOutput(*c.client, vault, *job);
}

std::vector<std::string> PendingUploads(const ServerProcess& server, const std::string& vault) {
  TestClient c(server);
  std::vector<std::string> ids;
  auto page = c.client->ListMultipartUploads(vault);
  if (!page) return {"<list failed>"};
  for (const auto& u : page->uploads) ids.push_back(u.upload_id);
  return ids;
}

size_t CountInAccessLog(const std::string& log_path, const std::string& operation) {
  std::ifstream in(log_path);
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    if (line.ends_with(" " + operation) || line.ends_with("\t" + operation)) ++n;
  }
  return n;
}

}  // namespace mtg::testing
