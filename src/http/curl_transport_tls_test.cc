// CurlTransport over TLS (the default for the real service): our HTTP/1.1 framing through
// curl_easy_send / curl_easy_recv on a TLS connection, against cpp-httplib's SSLServer with a
// self-signed certificate made here. Certificate checks stay on unless switched off.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>

#include "http/curl_transport.h"

namespace mtg::http {
namespace {

// Writes a P-256 key and a self-signed certificate for 127.0.0.1 into dir.
bool MakeSelfSigned(const std::string& cert_path, const std::string& key_path) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  bool ok = key != nullptr && cert != nullptr;
  if (ok) {
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    ok = X509_sign(cert, key, EVP_sha256()) > 0;
  }
  FILE* c = ok ? std::fopen(cert_path.c_str(), "w") : nullptr;
  FILE* k = ok ? std::fopen(key_path.c_str(), "w") : nullptr;
  ok = ok && c != nullptr && k != nullptr && PEM_write_X509(c, cert) == 1 &&
       PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  if (c != nullptr) std::fclose(c);
  if (k != nullptr) std::fclose(k);
  X509_free(cert);
  EVP_PKEY_free(key);
  return ok;
}

class TlsPeer {
 public:
  TlsPeer() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/mtg_tls_test.XXXXXX";
    dir_ = ::mkdtemp(pattern.data());
    if (!MakeSelfSigned(dir_ + "/cert.pem", dir_ + "/key.pem")) std::abort();
    server_ = std::make_unique<httplib::SSLServer>((dir_ + "/cert.pem").c_str(), (dir_ + "/key.pem").c_str());
    server_->Put("/echo", [this](const httplib::Request& req, httplib::Response& res) {
      last_body_ = req.body;
      res.status = 201;
      res.set_header("x-amz-sha256-tree-hash", "T");
      res.set_content(std::to_string(req.body.size()), "text/plain");
    });
    server_->Get("/close", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("Connection", "close");
      res.set_content("bye", "text/plain");
    });
    server_->Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(2 * 1024 * 1024 + 3, 'y'), "application/octet-stream");
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~TlsPeer() {
    server_->stop();
    thread_.join();
    std::filesystem::remove_all(dir_);
  }
  std::string Url(const std::string& path) const { return "https://127.0.0.1:" + std::to_string(port_) + path; }
  std::string last_body_;

 private:
  std::string dir_;
  std::unique_ptr<httplib::SSLServer> server_;
  int port_ = 0;
  std::thread thread_;
};

TEST(CurlTransportTls, LargeBodyBothWaysOnOneConnection) {
  TlsPeer peer;
  CurlTransport t(CurlOptions{.verify_tls = false});
  std::string data(6 * 1024 * 1024 + 29, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 7) % 255);
  MemoryBody body(data);
  auto put = t.Send({"PUT", peer.Url("/echo"), {}, &body, {}});
  ASSERT_TRUE(put) << put.error().message;
  EXPECT_EQ(put->status, 201);
  EXPECT_EQ(put->body, std::to_string(data.size()));
  EXPECT_EQ(FindHeader(put->headers, "x-amz-sha256-tree-hash").value_or(""), "T");
  EXPECT_EQ(peer.last_body_, data);
  uint64_t got = 0;
  auto get = t.Send({"GET", peer.Url("/big"), {}, nullptr, [&](std::span<const uint8_t> chunk) -> Result<void> {
                       for (uint8_t b : chunk) {
                         if (b != 'y') return Fail(ErrorCode::kIo, "wrong byte");
                       }
                       got += chunk.size();
                       return Ok();
                     }});
  ASSERT_TRUE(get) << get.error().message;
  EXPECT_EQ(got, 2u * 1024 * 1024 + 3);
}

// A connection the server closes is replaced by a new TLS connection (the process-wide share
// keeps the session for resumption), many times over, from several transports at once.
TEST(CurlTransportTls, ReconnectsAfterEachClose) {
  TlsPeer peer;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&] {
      CurlTransport t(CurlOptions{.verify_tls = false});
      for (int j = 0; j < 5; ++j) {
        auto r = t.Send({"GET", peer.Url("/close"), {}, nullptr, {}});
        if (r && r->status == 200 && r->body == "bye") ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 15);
}

TEST(CurlTransportTls, UntrustedCertificateIsRefusedByDefault) {
  TlsPeer peer;
  CurlTransport t;  // verify_tls defaults to true
  auto r = t.Send({"GET", peer.Url("/big"), {}, nullptr, {}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNetwork);
  EXPECT_NE(r.error().message.find("certificate"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace mtg::http
