#include "jobs_format.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mtg::server {
namespace {

using nlohmann::json;

TEST(JobParameters, ArchiveRetrievalDefaultsToStandard) {
  auto job = ParseJobParameters(
      R"({"Type":"archive-retrieval","ArchiveId":"abc","Description":"d","SNSTopic":"arn:aws:sns:x"})");
  ASSERT_TRUE(job.has_value()) << job.error().message;
  EXPECT_EQ(job->action, "ArchiveRetrieval");
  EXPECT_EQ(job->archive_id, "abc");
  EXPECT_EQ(job->tier, "Standard");
  EXPECT_EQ(job->description, "d");
  EXPECT_EQ(job->sns_topic, "arn:aws:sns:x");
  EXPECT_EQ(job->retrieval_range, "");
}

TEST(JobParameters, TiersAndRange) {
  for (const char* tier : {"Expedited", "Standard", "Bulk"}) {
    auto job = ParseJobParameters(std::string(R"({"Type":"archive-retrieval","ArchiveId":"a","Tier":")") +
                                  tier + R"(","RetrievalByteRange":"0-1048575"})");
    ASSERT_TRUE(job.has_value());
    EXPECT_EQ(job->tier, tier);
    EXPECT_EQ(job->retrieval_range, "0-1048575");
  }
}

TEST(JobParameters, InventoryDefaultsToJson) {
  auto job = ParseJobParameters(R"({"Type":"inventory-retrieval"})");
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->action, "InventoryRetrieval");
  EXPECT_EQ(job->format, "JSON");
  auto csv = ParseJobParameters(
      R"({"Type":"inventory-retrieval","Format":"CSV","InventoryRetrievalParameters":)"
      R"({"StartDate":"2013-01-01T00:00:00Z","EndDate":"2014-01-01T00:00:00Z","Limit":"10","Marker":"m"}})");
  ASSERT_TRUE(csv.has_value()) << csv.error().message;
  EXPECT_EQ(csv->format, "CSV");
  EXPECT_EQ(csv->inventory_start_date, "2013-01-01T00:00:00Z");
  EXPECT_EQ(csv->inventory_end_date, "2014-01-01T00:00:00Z");
  EXPECT_EQ(csv->inventory_limit, "10");
  EXPECT_EQ(csv->inventory_marker, "m");
}

TEST(JobParameters, RejectsBadInput) {
  struct Case {
    const char* body;
    const char* code;
  };
  const Case cases[] = {
      {"", "InvalidParameterValueException"},
      {"[]", "InvalidParameterValueException"},
      {"{", "InvalidParameterValueException"},
      {R"({})", "MissingParameterValueException"},
      {R"({"Type":"select"})", "InvalidParameterValueException"},
      {R"({"Type":7})", "InvalidParameterValueException"},
      {R"({"Type":"archive-retrieval"})", "MissingParameterValueException"},
      {R"({"Type":"archive-retrieval","ArchiveId":""})", "MissingParameterValueException"},
      {R"({"Type":"archive-retrieval","ArchiveId":"a","Tier":"Fast"})", "InvalidParameterValueException"},
      {R"({"Type":"archive-retrieval","ArchiveId":"a","Description":"tab\there"})",
       "InvalidParameterValueException"},
      {R"({"Type":"inventory-retrieval","Format":"XML"})", "InvalidParameterValueException"},
      {R"({"Type":"inventory-retrieval","InventoryRetrievalParameters":{"StartDate":"yesterday"}})",
       "InvalidParameterValueException"},
      {R"({"Type":"inventory-retrieval","InventoryRetrievalParameters":{"Limit":"0"}})",
       "InvalidParameterValueException"},
      {R"({"Type":"inventory-retrieval","InventoryRetrievalParameters":{"Limit":"x"}})",
       "InvalidParameterValueException"},
      {R"({"Type":"inventory-retrieval","InventoryRetrievalParameters":)"
       R"({"StartDate":"2014-01-01T00:00:00Z","EndDate":"2013-01-01T00:00:00Z"}})",
       "InvalidParameterValueException"},
  };
  for (const Case& c : cases) {
    auto job = ParseJobParameters(c.body);
    ASSERT_FALSE(job.has_value()) << c.body;
    EXPECT_EQ(job.error().code, c.code) << c.body;
    EXPECT_EQ(job.error().status, 400) << c.body;
  }
}

TEST(RetrievalRange, MegabyteAlignment) {
  const uint64_t size = 5 * kMiB + 17;
  EXPECT_EQ(ParseRetrievalRange("0-1048575", size), (ByteRange{0, kMiB - 1}));
  EXPECT_EQ(ParseRetrievalRange("1048576-3145727", size), (ByteRange{kMiB, 3 * kMiB - 1}));
  // The end may be the archive's last byte.
  EXPECT_EQ(ParseRetrievalRange("4194304-5242896", size), (ByteRange{4 * kMiB, size - 1}));
  EXPECT_EQ(ParseRetrievalRange("0-5242896", size), (ByteRange{0, size - 1}));
  for (const char* bad : {"1-1048575", "0-1048574", "0-1048576", "0-5242897", "5242880-5242879",
                          "", "-", "0-", "-5", "a-b", "0-1048575x", "1048576"}) {
    auto r = ParseRetrievalRange(bad, size);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, "InvalidParameterValueException") << bad;
  }
}

TEST(RangeHeader, Forms) {
  EXPECT_EQ(ParseRangeHeader("bytes=0-99", 1000), (ByteRange{0, 99}));
  EXPECT_EQ(ParseRangeHeader("bytes=900-", 1000), (ByteRange{900, 999}));
  EXPECT_EQ(ParseRangeHeader("bytes=-100", 1000), (ByteRange{900, 999}));
  EXPECT_EQ(ParseRangeHeader("bytes=-5000", 1000), (ByteRange{0, 999}));
  EXPECT_EQ(ParseRangeHeader("bytes=900-5000", 1000), (ByteRange{900, 999}));
  for (const char* bad : {"bytes=1000-1001", "bytes=5-4", "bytes=", "bytes=-", "items=0-1",
                          "bytes=0-1,3-4", "bytes=x-1", "bytes=-0"}) {
    EXPECT_FALSE(ParseRangeHeader(bad, 1000).has_value()) << bad;
  }
}

TEST(JobDelays, UniformAndPerTier) {
  auto uniform = ParseJobDelays("4h");
  ASSERT_TRUE(uniform.has_value());
  EXPECT_EQ(uniform->standard_ms, 4 * 3600 * 1000);
  EXPECT_EQ(uniform->inventory_ms, 4 * 3600 * 1000);
  auto tiers = ParseJobDelays("Expedited=1m,Bulk=12h,Inventory=250ms");
  ASSERT_TRUE(tiers.has_value()) << tiers.error().message;
  EXPECT_EQ(tiers->expedited_ms, 60 * 1000);
  EXPECT_EQ(tiers->standard_ms, 0);
  EXPECT_EQ(tiers->bulk_ms, 12 * 3600 * 1000);
  EXPECT_EQ(tiers->inventory_ms, 250);
  JobRecord job;
  job.action = "ArchiveRetrieval";
  job.tier = "Bulk";
  EXPECT_EQ(tiers->For(job), 12 * 3600 * 1000);
  job.action = "InventoryRetrieval";
  EXPECT_EQ(tiers->For(job), 250);
  EXPECT_FALSE(ParseJobDelays("Slow=1m").has_value());
  EXPECT_FALSE(ParseJobDelays("Bulk=forever").has_value());
  EXPECT_FALSE(ParseJobDelays("Bulk=1m,oops").has_value());
}

TEST(DescribeJob, ArchiveRetrievalShape) {
  JobRecord job;
  job.id = "JOB";
  job.action = "ArchiveRetrieval";
  job.archive_id = "ARCH";
  job.archive_size = 16777216;
  job.archive_tree_hash = std::string(64, 'b');
  job.output_tree_hash = std::string(64, 'b');
  job.retrieval_range = "0-16777215";
  job.tier = "Bulk";
  job.sns_topic = "arn:aws:sns:us-east-1:012345678901:mytopic";
  job.created_ms = 1337102499339;  // 2012-05-15T17:21:39.339Z
  job.status_code = "InProgress";
  job.status_message = "Operation in progress.";
  json d = json::parse(DescribeJobJson(job, "arn:aws:glacier:us-east-1:012345678901:vaults/v", ""));
  EXPECT_EQ(d["Action"], "ArchiveRetrieval");
  EXPECT_EQ(d["ArchiveId"], "ARCH");
  EXPECT_EQ(d["ArchiveSizeInBytes"], 16777216);
  EXPECT_EQ(d["ArchiveSHA256TreeHash"], std::string(64, 'b'));
  EXPECT_EQ(d["Completed"], false);
  EXPECT_TRUE(d["CompletionDate"].is_null());
  EXPECT_EQ(d["CreationDate"], "2012-05-15T17:21:39.339Z");
  EXPECT_TRUE(d["InventorySizeInBytes"].is_null());
  EXPECT_TRUE(d["JobDescription"].is_null());
  EXPECT_EQ(d["JobId"], "JOB");
  EXPECT_EQ(d["RetrievalByteRange"], "0-16777215");
  EXPECT_EQ(d["SHA256TreeHash"], std::string(64, 'b'));
  EXPECT_EQ(d["SNSTopic"], "arn:aws:sns:us-east-1:012345678901:mytopic");
  EXPECT_EQ(d["StatusCode"], "InProgress");
  EXPECT_EQ(d["Tier"], "Bulk");
  EXPECT_EQ(d["VaultARN"], "arn:aws:glacier:us-east-1:012345678901:vaults/v");
  EXPECT_FALSE(d.contains("InventoryRetrievalParameters"));
}

TEST(DescribeJob, CompletedInventoryShape) {
  JobRecord job;
  job.id = "JOB";
  job.action = "InventoryRetrieval";
  job.format = "CSV";
  job.inventory_limit = "2";
  job.created_ms = 1000;
  job.completed_ms = 2000;
  job.status_code = "Succeeded";
  job.status_message = "Succeeded";
  job.output_size = 345;
  json d = json::parse(DescribeJobJson(job, "arn", "NEXT"));
  EXPECT_EQ(d["Completed"], true);
  EXPECT_EQ(d["CompletionDate"], "1970-01-01T00:00:02.000Z");
  EXPECT_EQ(d["InventorySizeInBytes"], 345);
  EXPECT_TRUE(d["ArchiveId"].is_null());
  EXPECT_TRUE(d["SHA256TreeHash"].is_null());
  EXPECT_TRUE(d["RetrievalByteRange"].is_null());
  EXPECT_EQ(d["InventoryRetrievalParameters"]["Format"], "CSV");
  EXPECT_EQ(d["InventoryRetrievalParameters"]["Limit"], "2");
  EXPECT_EQ(d["InventoryRetrievalParameters"]["Marker"], "NEXT");
  EXPECT_TRUE(d["InventoryRetrievalParameters"]["StartDate"].is_null());
}

TEST(OutputTreeHash, AlignmentRules) {
  const uint64_t size = 5 * kMiB + 17;  // 6 leaves
  ByteRange whole{0, size - 1};
  // Whole archive: the whole output and aligned pieces of it.
  EXPECT_TRUE(OutputRangeHasTreeHash(whole, {0, size - 1}, size));
  EXPECT_TRUE(OutputRangeHasTreeHash(whole, {0, kMiB - 1}, size));
  EXPECT_TRUE(OutputRangeHasTreeHash(whole, {0, 4 * kMiB - 1}, size));
  EXPECT_TRUE(OutputRangeHasTreeHash(whole, {4 * kMiB, size - 1}, size));
  EXPECT_FALSE(OutputRangeHasTreeHash(whole, {kMiB, 3 * kMiB - 1}, size));
  EXPECT_FALSE(OutputRangeHasTreeHash(whole, {0, 100}, size));
  // A job range that is megabyte- but not tree-aligned never gets a checksum.
  ByteRange odd{kMiB, 3 * kMiB - 1};
  EXPECT_FALSE(OutputRangeHasTreeHash(odd, {0, 2 * kMiB - 1}, size));
  // A tree-aligned job range: offsets are relative to it.
  ByteRange aligned{2 * kMiB, 4 * kMiB - 1};
  EXPECT_TRUE(OutputRangeHasTreeHash(aligned, {0, 2 * kMiB - 1}, size));
  EXPECT_TRUE(OutputRangeHasTreeHash(aligned, {kMiB, 2 * kMiB - 1}, size));
}

}  // namespace
}  // namespace mtg::server
