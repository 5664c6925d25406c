#include "access_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace mtg::server {
namespace {

AccessRecord Sample() {
  AccessRecord r;
  r.unix_ms = 1795730396123;  // 2026-11-26T21:59:56.123Z
  r.account = "-";
  r.access_key = "AKIDEXAMPLE";
  r.method = "PUT";
  r.target = "/-/vaults/v1";
  r.status = 201;
  r.bytes_in = 0;
  r.bytes_out = 0;
  r.duration_us = 1204;
  r.operation = "create-vault";
  return r;
}

TEST(AccessLog, FormatsOneLine) {
  EXPECT_EQ(FormatAccessLine(Sample()),
            "2026-11-26T21:59:56.123Z - AKIDEXAMPLE PUT /-/vaults/v1 201 0 0 1.204 create-vault\n");
}

TEST(AccessLog, EmptyFieldsAreDashes) {
  AccessRecord r;
  r.unix_ms = 0;
  r.method = "GET";
  r.target = "";
  r.status = 400;
  EXPECT_EQ(FormatAccessLine(r), "1970-01-01T00:00:00.000Z - - GET - 400 0 0 0.000 -\n");
}

TEST(AccessLog, MasksCredentialQueryParameters) {
  EXPECT_EQ(SanitizeTarget("/-/vaults?limit=5&marker=abc%2Fdef"), "/-/vaults?limit=5&marker=abc%2Fdef");
  std::string s = SanitizeTarget(
      "/-/vaults/v?X-Amz-Credential=AKID%2F20261126&X-Amz-Signature=deadbeef&"
      "X-Amz-Security-Token=SESSIONTOKENVALUE&limit=1");
  EXPECT_EQ(s, "/-/vaults/v?X-Amz-Credential=***&X-Amz-Signature=***&X-Amz-Security-Token=***&limit=1");
  EXPECT_EQ(s.find("deadbeef"), std::string::npos);
  EXPECT_EQ(s.find("SESSIONTOKEN"), std::string::npos);
}

TEST(AccessLog, EscapesControlCharactersAndSpaces) {
  AccessRecord r = Sample();
  r.target = "/-/vaults/a b\n2026-01-01T00:00:00.000Z forged";
  std::string line = FormatAccessLine(r);
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_NE(line.find("/-/vaults/a%20b%0A2026"), std::string::npos);
}

TEST(AccessLog, RecordFromRequestAndResponse) {
  Request req;
  req.method = "POST";
  req.target = "/012345678901/vaults/v1/archives?X-Amz-Signature=abc";
  ASSERT_TRUE(SplitTarget(req));
  req.access_key = "AKIDEXAMPLE";
  req.operation = "upload-archive";
  Response res;
  res.status = 201;
  res.body = "0123456789";
  AccessRecord r = MakeAccessRecord(req, res, 1795730396123, 2500);
  EXPECT_EQ(r.account, "012345678901");
  EXPECT_EQ(r.bytes_out, 10u);
  EXPECT_EQ(FormatAccessLine(r),
            "2026-11-26T21:59:56.123Z 012345678901 AKIDEXAMPLE POST "
            "/012345678901/vaults/v1/archives?X-Amz-Signature=*** 201 0 10 2.500 upload-archive\n");
  res.reset_after_bytes = 4;
  EXPECT_EQ(MakeAccessRecord(req, res, 0, 0).bytes_out, 4u);
}

TEST(AccessLog, WritesLinesFromManyThreads) {
  char tmpl[] = "/tmp/access_log_test_XXXXXX";
  int fd = mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    auto log = AccessLog::Open(tmpl);
    ASSERT_TRUE(log.has_value()) << log.error().message;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&log] {
        for (int i = 0; i < 250; ++i) (*log)->Write(Sample());
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ((*log)->failed_writes(), 0u);
  }
  std::ifstream in(tmpl);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    EXPECT_EQ(line + "\n", FormatAccessLine(Sample()));
    ++n;
  }
  EXPECT_EQ(n, 1000);
  unlink(tmpl);
}

TEST(AccessLog, OpenFailsWithPath) {
  auto log = AccessLog::Open("/nonexistent-dir/x.log");
  ASSERT_FALSE(log.has_value());
  EXPECT_NE(log.error().message.find("/nonexistent-dir/x.log"), std::string::npos);
}

}  // namespace
}  // namespace mtg::server
