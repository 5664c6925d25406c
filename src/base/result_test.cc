#include "base/result.h"

#include <cerrno>

#include <gtest/gtest.h>

namespace mtg {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Fail(ErrorCode::kInvalidArgument, std::to_string(x) + " is odd");
  return x / 2;
}

Result<void> Chain(int x) {
  MTG_TRY_VOID(Half(x));
  return Ok();
}

TEST(ResultTest, ValueAndError) {
  ASSERT_TRUE(Half(4));
  EXPECT_EQ(*Half(4), 2);
  auto r = Half(3);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "3 is odd");
}

TEST(ResultTest, TryPropagates) {
  EXPECT_TRUE(Chain(2));
  auto r = Chain(5);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "5 is odd");
}

TEST(ResultTest, ContextIsPrefixed) {
  Error e(ErrorCode::kParse, "bad field");
  e.Context("line 3").Context("journal j.log");
  EXPECT_EQ(e.message, "journal j.log: line 3: bad field");
}

TEST(ResultTest, ToStringCarriesHttpFacts) {
  Error e(ErrorCode::kHttp, "upload failed");
  e.http_status = 503;
  e.aws_code = "ServiceUnavailableException";
  e.request_id = "R1";
  EXPECT_EQ(e.ToString(), "upload failed (HTTP 503, ServiceUnavailableException, request id R1)");
  EXPECT_EQ(Error(ErrorCode::kIo, "x").ToString(), "x");
}

TEST(ResultTest, SysErrorMapsErrno) {
  EXPECT_EQ(SysError("open a", ENOENT).code, ErrorCode::kNotFound);
  EXPECT_EQ(SysError("open a", EACCES).code, ErrorCode::kIo);
  EXPECT_EQ(SysError("open a", EACCES).sys_errno, EACCES);
  EXPECT_NE(SysError("open a", EACCES).message.find("open a: "), std::string::npos);
}

}  // namespace
}  // namespace mtg
