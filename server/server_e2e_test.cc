// The real server over loopback: in-process on port 0 for protocol behaviour (keep-alive,
// Expect: 100-continue, 64 concurrent connections, ranges not applied by the HTTP layer), and
// the built binary as a child process for startup, SIGTERM and kill -9 crash safety.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/clock.h"
#include "blob_store.h"
#include "catalog.h"
#include "server.h"
#include "test_support.h"

extern char** environ;

namespace mtg::server {
namespace {

using nlohmann::json;
using testing::Connection;
using testing::Signed;
using testing::WireRequest;
using testing::WireResponse;

std::string Host(int port) { return "127.0.0.1:" + std::to_string(port); }

WireRequest Req(int port, WireRequest w) { return Signed(std::move(w), Host(port), std::time(nullptr)); }

WireRequest UploadReq(int port, const std::string& vault, const std::string& data) {
  return Req(port, {"POST", "/-/vaults/" + vault + "/archives",
                    {{"x-amz-sha256-tree-hash", testing::TreeHashHex(data)}}, data, true});
}

class InProcessServer : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.store_dir = dir_.path() + "/store";
    options.credentials = {{testing::kAccessKey, testing::kSecretKey}};
    auto server = GlacierServer::Create(options, SystemClock::Instance());
    ASSERT_TRUE(server.has_value()) << server.error().message;
    server_ = std::move(*server);
    auto port = server_->Bind();
    ASSERT_TRUE(port.has_value()) << port.error().message;
    port_ = *port;
    thread_ = std::thread([this] { server_->Run(); });
  }
  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
  }

  testing::TempDir dir_;
  std::unique_ptr<GlacierServer> server_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(InProcessServer, KeepAliveCarriesManyRequests) {
  Connection c(port_);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.Send(Req(port_, {"PUT", "/-/vaults/v", {}, "", false})).status, 201);
  WireResponse up = c.Send(UploadReq(port_, "v", "hello glacier"));
  ASSERT_EQ(up.status, 201) << up.body;
  EXPECT_EQ(up.Header("x-amz-archive-id").size(), 138u);
  EXPECT_FALSE(up.Header("x-amzn-requestid").empty());
  EXPECT_FALSE(up.Header("date").empty());
  WireResponse d = c.Send(Req(port_, {"GET", "/-/vaults/v", {}, "", false}));
  ASSERT_EQ(d.status, 200);
  EXPECT_EQ(json::parse(d.body)["NumberOfArchives"], 1);
  EXPECT_EQ(d.Header("content-type"), "application/json");
  // An error with a body does not desynchronise the connection.
  WireRequest bad = UploadReq(port_, "v", std::string(100000, 'z'));
  bad.headers.back().second.back() ^= 1;  // corrupt the signature
  WireResponse refused = c.Send(bad);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(c.Send(Req(port_, {"GET", "/-/vaults", {}, "", false})).status, 200);
}

TEST_F(InProcessServer, ExpectContinueIsAnswered) {
  Connection c(port_);
  EXPECT_EQ(c.Send(Req(port_, {"PUT", "/-/vaults/v", {}, "", false})).status, 201);
  std::string data(5 * (1 << 20) + 17, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i ^ (i >> 9));
  WireResponse r = c.Send(UploadReq(port_, "v", data), /*expect_continue=*/true);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Header("x-amz-sha256-tree-hash"), testing::TreeHashHex(data));
}

TEST_F(InProcessServer, RangeHeaderIsLeftToHandlers) {
  Connection c(port_);
  EXPECT_EQ(c.Send(Req(port_, {"PUT", "/-/vaults/v", {}, "", false})).status, 201);
  WireRequest w = Req(port_, {"GET", "/-/vaults/v", {}, "", false});
  w.headers.push_back({"Range", "bytes=0-3"});
  w.headers.push_back({"Accept-Encoding", "gzip"});
  WireResponse r = c.Send(w);
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.Header("content-encoding").empty());
  EXPECT_TRUE(json::parse(r.body).contains("VaultARN"));
}

TEST_F(InProcessServer, SixtyFourConcurrentConnections) {
  constexpr int kClients = 64;
  std::vector<std::unique_ptr<Connection>> connections;
  for (int i = 0; i < kClients; ++i) {
    connections.push_back(std::make_unique<Connection>(port_));
    ASSERT_TRUE(connections.back()->ok());
  }
  std::atomic<int> ok{0};
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready < kClients) std::this_thread::yield();
      std::string vault = "v" + std::to_string(i);
      Connection& c = *connections[static_cast<size_t>(i)];
      if (c.Send(Req(port_, {"PUT", "/-/vaults/" + vault, {}, "", false})).status != 201) return;
      if (c.Send(UploadReq(port_, vault, std::string(70000 + i, 'a' + (i % 26)))).status != 201) return;
      ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, kClients);
  Connection c(port_);
  json list = json::parse(c.Send(Req(port_, {"GET", "/-/vaults?limit=100", {}, "", false})).body);
  EXPECT_EQ(list["VaultList"].size(), static_cast<size_t>(kClients));
}

// The built binary as a child process; stdout is read up to the "listening on" line.
class ChildServer {
 public:
  explicit ChildServer(const std::string& store) {
    std::string binary = std::string(MTG_BINARY_DIR) + "/server/mtglacier-server";
    int out[2];
    if (::pipe(out) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::vector<std::string> args = {binary, "--listen", "127.0.0.1:0", "--store", store,
                                     "--access-key", testing::kAccessKey, "--secret-key", testing::kSecretKey};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    start_ = std::chrono::steady_clock::now();
    if (posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    std::string line;
    char ch;
    while (::read(out[0], &ch, 1) == 1 && ch != '\n') line += ch;
    ::close(out[0]);
    first_line_ = line;
    startup_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_).count();
    if (line.rfind("listening on 127.0.0.1:", 0) == 0) port_ = std::atoi(line.c_str() + 23);
  }
  ~ChildServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  // Sends sig and waits (up to 10 s); returns the exit status as waitpid reports it.
  int Signal(int sig) {
    ::kill(pid_, sig);
    int status = -1;
    for (int i = 0; i < 1000; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return status;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }
  int port() const { return port_; }
  const std::string& first_line() const { return first_line_; }
  int64_t startup_ms() const { return startup_ms_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string first_line_;
  int64_t startup_ms_ = 0;
  std::chrono::steady_clock::time_point start_;
};

TEST(ChildProcess, StartsFastAndStopsCleanlyOnSigterm) {
  testing::TempDir dir;
  ChildServer child(dir.path() + "/store");
  ASSERT_GT(child.port(), 0) << child.first_line();
  EXPECT_LT(child.startup_ms(), 5000);  // well under a second normally; sanitizer builds are slower
  Connection c(child.port());
  EXPECT_EQ(c.Send(Req(child.port(), {"PUT", "/-/vaults/v", {}, "", false})).status, 201);
  int status = child.Signal(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(ChildProcess, KillNineKeepsEveryAcknowledgedArchive) {
  testing::TempDir dir;
  std::string store = dir.path() + "/store";
  std::vector<std::pair<std::string, std::string>> acknowledged;  // (id, bytes)
  std::string upload_id;
  {
    ChildServer child(store);
    ASSERT_GT(child.port(), 0) << child.first_line();
    int port = child.port();
    Connection c(port);
    ASSERT_EQ(c.Send(Req(port, {"PUT", "/-/vaults/v", {}, "", false})).status, 201);
    for (int i = 0; i < 20; ++i) {
      std::string data(1000 + i * 37777, static_cast<char>('A' + i));
      WireResponse r = c.Send(UploadReq(port, "v", data));
      ASSERT_EQ(r.status, 201);
      acknowledged.emplace_back(r.Header("x-amz-archive-id"), data);
    }
    WireResponse init = c.Send(Req(port, {"POST", "/-/vaults/v/multipart-uploads", {{"x-amz-part-size", "1048576"}}, "", false}));
    upload_id = init.Header("x-amz-multipart-upload-id");
    std::string part(1 << 20, 'p');
    WireResponse pr = c.Send(Req(port, {"PUT", "/-/vaults/v/multipart-uploads/" + upload_id,
                                        {{"Content-Range", "bytes 0-1048575/*"},
                                         {"x-amz-sha256-tree-hash", testing::TreeHashHex(part)}},
                                        part, true}));
    ASSERT_EQ(pr.status, 204);
    // An upload in flight when the process dies: half its body sent, never acknowledged.
    std::string big(3 << 20, 'q');
    WireRequest w = UploadReq(port, "v", big);
    std::string head = w.method + " " + w.target + " HTTP/1.1\r\n";
    for (const auto& [n, v] : w.headers) head += n + ": " + v + "\r\n";
    head += "Content-Length: " + std::to_string(big.size()) + "\r\n\r\n";
    // Send through a raw socket write: the Connection helper would wait for an answer.
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    std::string partial = head + big.substr(0, big.size() / 2);
    ASSERT_EQ(::send(fd, partial.data(), partial.size(), MSG_NOSIGNAL), static_cast<ssize_t>(partial.size()));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    int status = child.Signal(SIGKILL);
    EXPECT_TRUE(WIFSIGNALED(status));
    ::close(fd);
  }
  // Restart on the same store: recovery runs, every acknowledged archive is intact.
  ChildServer again(store);
  ASSERT_GT(again.port(), 0) << again.first_line();
  EXPECT_TRUE(std::filesystem::is_empty(store + "/tmp"));
  auto blobs = BlobStore::Open(store);
  auto catalog = Catalog::Open(store + "/catalog.db");
  ASSERT_TRUE(blobs.has_value() && catalog.has_value());
  auto vault = (*catalog)->FindVault(Authenticator::AccountIdFor(testing::kAccessKey), "v");
  ASSERT_TRUE(vault.has_value() && vault->has_value());
  EXPECT_EQ((*catalog)->CountArchives((*vault)->id)->archives, acknowledged.size());
  for (const auto& [id, data] : acknowledged) {
    auto row = (*catalog)->FindArchive((*vault)->id, id);
    ASSERT_TRUE(row.has_value() && row->has_value()) << id;
    EXPECT_EQ((*row)->tree_hash, testing::TreeHashHex(data));
    std::ifstream in((*blobs)->ArchivePath(id), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    EXPECT_EQ(bytes.str(), data) << id;
  }
  EXPECT_EQ((*blobs)->ListArchiveIds()->size(), acknowledged.size());
  // The multipart upload and its acknowledged part survived too.
  Connection c(again.port());
  WireResponse parts = c.Send(Req(again.port(), {"GET", "/-/vaults/v/multipart-uploads/" + upload_id, {}, "", false}));
  ASSERT_EQ(parts.status, 200) << parts.body;
  EXPECT_EQ(json::parse(parts.body)["Parts"].size(), 1u);
}

}  // namespace
}  // namespace mtg::server
