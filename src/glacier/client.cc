#include "glacier/client.h"

#include <atomic>

#include <nlohmann/json.hpp>

#include "sign/canonical.h"

namespace mtg::glacier {
namespace {

using nlohmann::json;

constexpr std::string_view kApiVersion = "2012-06-01";

std::string Seg(std::string_view s) { return sign::UriEncode(s, /*keep_slash=*/false); }

std::string JsonString(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

uint64_t JsonNumber(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return 0;
  if (it->is_number_unsigned() || it->is_number_integer()) return it->get<uint64_t>();
  if (it->is_string()) {  // some emulators send sizes as strings
    try {
      return std::stoull(it->get<std::string>());
    } catch (...) {
      return 0;
    }
  }
  return 0;
}

Result<json> ParseJson(std::string_view operation, const http::Response& response) {
  json j = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Fail(ErrorCode::kParse, std::string(operation) + ": response is not a JSON object");
  }
  return j;
}

std::string QueryParam(std::string_view key, std::string_view value) {
  return std::string(key) + "=" + sign::UriEncode(value, /*keep_slash=*/false);
}

void AppendQuery(std::string& query, std::string_view param) {
  if (!query.empty()) query += '&';
  query += param;
}

// The limit/marker pair every List* operation pages with.
std::string PageQuery(std::string_view marker, int limit) {
  std::string query;
  if (limit > 0) AppendQuery(query, QueryParam("limit", std::to_string(limit)));
  if (!marker.empty()) AppendQuery(query, QueryParam("marker", marker));
  return query;
}

// Calls parse(item) for each element of the array j[key], if there is one.
template <typename F>
void ForEachIn(const json& j, const char* key, F&& parse) {
  auto list = j.find(key);
  if (list == j.end() || !list->is_array()) return;
  for (const json& item : *list) parse(item);
}

Result<ArchiveCreated> ArchiveCreatedFrom(const http::Response& response, std::string_view operation) {
  ArchiveCreated created;
  created.archive_id = std::string(http::FindHeader(response.headers, "x-amz-archive-id").value_or(""));
  created.tree_hash = std::string(http::FindHeader(response.headers, "x-amz-sha256-tree-hash").value_or(""));
  created.location = std::string(http::FindHeader(response.headers, "Location").value_or(""));
  if (created.archive_id.empty()) {
    return Fail(ErrorCode::kParse, std::string(operation) + ": no x-amz-archive-id in the response");
  }
  return created;
}

JobInfo ParseJob(const json& j) {
  JobInfo job;
  job.job_id = JsonString(j, "JobId");
  job.action = JsonString(j, "Action");
  job.status_code = JsonString(j, "StatusCode");
  auto c = j.find("Completed");
  job.completed = c != j.end() && c->is_boolean() && c->get<bool>();
  job.archive_id = JsonString(j, "ArchiveId");
  job.archive_size = JsonNumber(j, "ArchiveSizeInBytes");
  job.archive_tree_hash = JsonString(j, "ArchiveSHA256TreeHash");
  job.retrieval_byte_range = JsonString(j, "RetrievalByteRange");
  job.sha256_tree_hash = JsonString(j, "SHA256TreeHash");
  job.tier = JsonString(j, "Tier");
  job.creation_date = JsonString(j, "CreationDate");
  job.completion_date = JsonString(j, "CompletionDate");
  job.description = JsonString(j, "JobDescription");
  job.sns_topic = JsonString(j, "SNSTopic");
  job.inventory_size = JsonNumber(j, "InventorySizeInBytes");
  auto params = j.find("InventoryRetrievalParameters");
  if (params != j.end() && params->is_object()) {
    job.inventory_format = JsonString(*params, "Format");
    for (const char* key : {"StartDate", "EndDate", "Limit", "Marker"}) {
      auto v = params->find(key);
      if (v != params->end() && !v->is_null() && !(v->is_string() && v->get<std::string>().empty()))
        job.has_inventory_parameters = true;
    }
  }
  return job;
}

std::atomic<uint64_t> g_retry_seed{0x9e3779b97f4a7c15ULL};

}  // namespace

struct Client::Call {
  std::string_view operation{};
  std::string method{};
  std::string path{};
  std::string query{};
  std::vector<sign::Header> headers{};
  http::BodySource* body = nullptr;
  std::string payload_hash = std::string(sign::kEmptyPayloadSha256);
  const std::function<http::BodySink()>* make_sink = nullptr;
};

Error ErrorFromResponse(std::string_view operation, const http::Response& response) {
  Error e(ErrorCode::kHttp, std::string(operation) + " failed");
  e.http_status = response.status;
  if (auto id = http::FindHeader(response.headers, "x-amzn-RequestId")) e.request_id = *id;
  json j = json::parse(response.body, nullptr, false);
  if (!j.is_discarded() && j.is_object()) {
    e.aws_code = JsonString(j, "code");
    std::string message = JsonString(j, "message");
    if (!message.empty()) e.message += ": " + message;
  }
  if (e.aws_code.empty()) {
    if (auto type = http::FindHeader(response.headers, "x-amzn-ErrorType")) {
      e.aws_code = std::string(type->substr(0, type->find(':')));
    }
  }
  if (response.status == 404) e.code = ErrorCode::kHttp;  // still kHttp: callers look at aws_code
  if (response.status == 403 || e.aws_code == "UnrecognizedClientException" ||
      e.aws_code == "InvalidSignatureException" || e.aws_code == "MissingAuthenticationTokenException") {
    e.code = ErrorCode::kAuth;
  }
  return e;
}

Client::Client(ClientConfig config, http::Transport& transport, Clock& clock)
    : config_(std::move(config)), transport_(transport), clock_(clock) {}

std::string Client::VaultPath(std::string_view vault) const {
  return "/" + Seg(config_.account_id) + "/vaults/" + Seg(vault);
}

Result<http::Response> Client::PerformOnce(const Call& call) {
  std::vector<sign::Header> headers;
  headers.push_back({"Host", config_.endpoint.HostHeader()});
  headers.push_back({"x-amz-glacier-version", std::string(kApiVersion)});
  for (const sign::Header& h : call.headers) headers.push_back(h);

  sign::Request to_sign{call.method, call.path, call.query, headers, call.payload_hash};
  Result<sign::SignResult> signed_request =
      sign::Sign(to_sign, config_.credentials, config_.region, "glacier", clock_.NowUnix());
  if (!signed_request) return Fail(signed_request.error().WithContext(call.operation));

  http::Request request;
  request.method = call.method;
  request.url = config_.endpoint.BaseUrl() + call.path + (call.query.empty() ? "" : "?" + call.query);
  for (const sign::Header& h : headers) request.headers.push_back({h.name, h.value});
  for (const sign::Header& h : signed_request->added_headers) request.headers.push_back({h.name, h.value});
  request.headers.push_back({"Authorization", signed_request->authorization});
  request.body = call.body;
  if (call.make_sink != nullptr && *call.make_sink) request.sink = (*call.make_sink)();

  ++requests_sent_;
  Result<http::Response> response = transport_.Send(request);
  if (!response) return Fail(response.error().WithContext(call.operation));
  if (response->status < 200 || response->status >= 300) {
    return Fail(ErrorFromResponse(call.operation, *response));
  }
  return response;
}

Result<http::Response> Client::Perform(const Call& call) {
  return http::WithRetry(config_.retry, clock_, g_retry_seed.fetch_add(0x632be59bd9b4e019ULL),
                         [&] { return PerformOnce(call); });
}

Result<nlohmann::json> Client::PerformJson(const Call& call) {
  auto r = Perform(call);
  if (!r) return Fail(r.error());
  return ParseJson(call.operation, *r);
}

Result<void> Client::CreateVault(std::string_view vault) {
  MTG_TRY_VOID(Perform({.operation = "CreateVault", .method = "PUT", .path = VaultPath(vault)}));
  return Ok();
}

Result<void> Client::DeleteVault(std::string_view vault) {
  MTG_TRY_VOID(Perform({.operation = "DeleteVault", .method = "DELETE", .path = VaultPath(vault)}));
  return Ok();
}

namespace {
VaultInfo ParseVault(const json& j) {
  VaultInfo v;
  v.name = JsonString(j, "VaultName");
  v.arn = JsonString(j, "VaultARN");
  v.creation_date = JsonString(j, "CreationDate");
  v.last_inventory_date = JsonString(j, "LastInventoryDate");
  v.archive_count = JsonNumber(j, "NumberOfArchives");
  v.size_in_bytes = JsonNumber(j, "SizeInBytes");
  return v;
}
}  // namespace

Result<VaultInfo> Client::DescribeVault(std::string_view vault) {
  auto j = PerformJson({.operation = "DescribeVault", .method = "GET", .path = VaultPath(vault)});
  if (!j) return Fail(j.error());
  return ParseVault(*j);
}

Result<VaultPage> Client::ListVaults(std::string_view marker, int limit) {
  auto j = PerformJson({.operation = "ListVaults", .method = "GET",
                        .path = "/" + Seg(config_.account_id) + "/vaults", .query = PageQuery(marker, limit)});
  if (!j) return Fail(j.error());
  VaultPage page;
  page.marker = JsonString(*j, "Marker");
  ForEachIn(*j, "VaultList", [&](const json& v) { page.vaults.push_back(ParseVault(v)); });
  return page;
}

Result<ArchiveCreated> Client::UploadArchive(std::string_view vault, std::string_view description,
                                             http::BodySource& body, const hash::DualHash& hashes) {
  Call call{.operation = "UploadArchive", .method = "POST", .path = VaultPath(vault) + "/archives"};
  if (!description.empty()) call.headers.push_back({"x-amz-archive-description", std::string(description)});
  call.headers.push_back({"x-amz-content-sha256", hash::ToHex(hashes.sha256)});
  call.headers.push_back({"x-amz-sha256-tree-hash", hash::ToHex(hashes.tree)});
  call.headers.push_back({"Content-Type", "application/octet-stream"});
  call.body = &body;
  call.payload_hash = hash::ToHex(hashes.sha256);
  auto r = Perform(call);
  if (!r) return Fail(r.error());
  return ArchiveCreatedFrom(*r, call.operation);
}

Result<void> Client::DeleteArchive(std::string_view vault, std::string_view archive_id) {
  MTG_TRY_VOID(Perform({.operation = "DeleteArchive", .method = "DELETE",
                        .path = VaultPath(vault) + "/archives/" + Seg(archive_id)}));
  return Ok();
}

Result<std::string> Client::InitiateMultipartUpload(std::string_view vault, std::string_view description,
                                                    uint64_t part_size) {
  Call call{.operation = "InitiateMultipartUpload", .method = "POST",
            .path = VaultPath(vault) + "/multipart-uploads"};
  if (!description.empty()) call.headers.push_back({"x-amz-archive-description", std::string(description)});
  call.headers.push_back({"x-amz-part-size", std::to_string(part_size)});
  auto r = Perform(call);
  if (!r) return Fail(r.error());
  auto id = http::FindHeader(r->headers, "x-amz-multipart-upload-id");
  if (!id || id->empty()) return Fail(ErrorCode::kParse, "InitiateMultipartUpload: no upload id in the response");
  return std::string(*id);
}

Result<void> Client::UploadPart(std::string_view vault, std::string_view upload_id, uint64_t offset,
                                http::BodySource& body, const hash::DualHash& hashes) {
  uint64_t size = body.Size();
  if (size == 0) return Fail(ErrorCode::kInvalidArgument, "UploadPart: empty part");
  Call call{.operation = "UploadPart", .method = "PUT",
            .path = VaultPath(vault) + "/multipart-uploads/" + Seg(upload_id)};
  call.headers.push_back({"Content-Range", "bytes " + std::to_string(offset) + "-" +
                                               std::to_string(offset + size - 1) + "/*"});
  call.headers.push_back({"Content-Type", "application/octet-stream"});
  call.headers.push_back({"x-amz-content-sha256", hash::ToHex(hashes.sha256)});
  call.headers.push_back({"x-amz-sha256-tree-hash", hash::ToHex(hashes.tree)});
  call.body = &body;
  call.payload_hash = hash::ToHex(hashes.sha256);
  auto r = Perform(call);
  if (!r) return Fail(r.error());
  return Ok();
}

Result<ArchiveCreated> Client::CompleteMultipartUpload(std::string_view vault, std::string_view upload_id,
                                                       uint64_t archive_size, std::string_view tree_hash_hex) {
  Call call{.operation = "CompleteMultipartUpload", .method = "POST",
            .path = VaultPath(vault) + "/multipart-uploads/" + Seg(upload_id)};
  call.headers.push_back({"x-amz-archive-size", std::to_string(archive_size)});
  call.headers.push_back({"x-amz-sha256-tree-hash", std::string(tree_hash_hex)});
  auto r = Perform(call);
  if (!r) return Fail(r.error());
  return ArchiveCreatedFrom(*r, call.operation);
}

Result<void> Client::AbortMultipartUpload(std::string_view vault, std::string_view upload_id) {
  MTG_TRY_VOID(Perform({.operation = "AbortMultipartUpload", .method = "DELETE",
                        .path = VaultPath(vault) + "/multipart-uploads/" + Seg(upload_id)}));
  return Ok();
}

Result<PartPage> Client::ListParts(std::string_view vault, std::string_view upload_id,
                                   std::string_view marker, int limit) {
  auto j = PerformJson({.operation = "ListParts", .method = "GET",
                        .path = VaultPath(vault) + "/multipart-uploads/" + Seg(upload_id),
                        .query = PageQuery(marker, limit)});
  if (!j) return Fail(j.error());
  PartPage page;
  page.upload_id = JsonString(*j, "MultipartUploadId");
  page.description = JsonString(*j, "ArchiveDescription");
  page.part_size = JsonNumber(*j, "PartSizeInBytes");
  page.marker = JsonString(*j, "Marker");
  std::optional<Error> bad;
  ForEachIn(*j, "Parts", [&](const json& p) {
    PartInfo info;
    info.tree_hash = JsonString(p, "SHA256TreeHash");
    std::string range = JsonString(p, "RangeInBytes");
    size_t dash = range.find('-');
    try {
      if (dash == std::string::npos) throw std::invalid_argument("no dash");
      info.range.first = std::stoull(range.substr(0, dash));
      info.range.last = std::stoull(range.substr(dash + 1));
    } catch (...) {
      bad = Error(ErrorCode::kParse, "ListParts: bad RangeInBytes \"" + range + "\"");
      return;
    }
    page.parts.push_back(std::move(info));
  });
  if (bad) return Fail(*bad);
  return page;
}

Result<UploadPage> Client::ListMultipartUploads(std::string_view vault, std::string_view marker, int limit) {
  auto j = PerformJson({.operation = "ListMultipartUploads", .method = "GET",
                        .path = VaultPath(vault) + "/multipart-uploads", .query = PageQuery(marker, limit)});
  if (!j) return Fail(j.error());
  UploadPage page;
  page.marker = JsonString(*j, "Marker");
  ForEachIn(*j, "UploadsList", [&](const json& u) {
    page.uploads.push_back({JsonString(u, "MultipartUploadId"), JsonString(u, "ArchiveDescription"),
                            JsonNumber(u, "PartSizeInBytes"), JsonString(u, "CreationDate")});
  });
  return page;
}

namespace {
Result<std::string> JobIdFrom(const http::Response& response, std::string_view operation) {
  auto id = http::FindHeader(response.headers, "x-amz-job-id");
  if (!id || id->empty()) return Fail(ErrorCode::kParse, std::string(operation) + ": no x-amz-job-id in the response");
  return std::string(*id);
}
}  // namespace

Result<std::string> Client::InitiateJob(std::string_view vault, const std::string& json_body) {
  http::MemoryBody source(json_body);
  Call call{.operation = "InitiateJob", .method = "POST", .path = VaultPath(vault) + "/jobs"};
  call.headers.push_back({"Content-Type", "application/json"});
  call.body = &source;
  call.payload_hash = hash::Sha256Hex(json_body);
  auto r = Perform(call);
  if (!r) return Fail(r.error());
  return JobIdFrom(*r, call.operation);
}

Result<std::string> Client::InitiateArchiveRetrieval(std::string_view vault, const ArchiveRetrieval& request) {
  json body = {{"Type", "archive-retrieval"}, {"ArchiveId", request.archive_id}};
  if (request.range) {
    body["RetrievalByteRange"] = std::to_string(request.range->first) + "-" + std::to_string(request.range->last);
  }
  if (!request.tier.empty()) body["Tier"] = request.tier;
  if (!request.sns_topic.empty()) body["SNSTopic"] = request.sns_topic;
  if (!request.description.empty()) body["Description"] = request.description;
  return InitiateJob(vault, body.dump());
}

Result<std::string> Client::InitiateInventoryRetrieval(std::string_view vault, const InventoryRetrieval& request) {
  json body = {{"Type", "inventory-retrieval"}, {"Format", request.format}};
  if (!request.description.empty()) body["Description"] = request.description;
  if (!request.sns_topic.empty()) body["SNSTopic"] = request.sns_topic;
  json params = json::object();
  if (!request.start_date.empty()) params["StartDate"] = request.start_date;
  if (!request.end_date.empty()) params["EndDate"] = request.end_date;
  if (!request.limit.empty()) params["Limit"] = request.limit;
  if (!request.marker.empty()) params["Marker"] = request.marker;
  if (!params.empty()) body["InventoryRetrievalParameters"] = params;
  return InitiateJob(vault, body.dump());
}

Result<JobInfo> Client::DescribeJob(std::string_view vault, std::string_view job_id) {
  auto j = PerformJson({.operation = "DescribeJob", .method = "GET", .path = VaultPath(vault) + "/jobs/" + Seg(job_id)});
  if (!j) return Fail(j.error());
  return ParseJob(*j);
}

Result<JobPage> Client::ListJobs(std::string_view vault, const JobListFilter& filter) {
  Call call{.operation = "ListJobs", .method = "GET", .path = VaultPath(vault) + "/jobs",
            .query = PageQuery(filter.marker, filter.limit)};
  if (filter.completed) AppendQuery(call.query, QueryParam("completed", *filter.completed ? "true" : "false"));
  if (!filter.status_code.empty()) AppendQuery(call.query, QueryParam("statuscode", filter.status_code));
  auto j = PerformJson(call);
  if (!j) return Fail(j.error());
  JobPage page;
  page.marker = JsonString(*j, "Marker");
  ForEachIn(*j, "JobList", [&](const json& job) { page.jobs.push_back(ParseJob(job)); });
  return page;
}

Result<JobOutputInfo> Client::GetJobOutput(std::string_view vault, std::string_view job_id,
                                           std::optional<ByteRange> range,
                                           const std::function<http::BodySink()>& make_sink) {
  Call call{.operation = "GetJobOutput", .method = "GET",
            .path = VaultPath(vault) + "/jobs/" + Seg(job_id) + "/output"};
  if (range) {
    call.headers.push_back({"Range", "bytes=" + std::to_string(range->first) + "-" + std::to_string(range->last)});
  }
  call.make_sink = &make_sink;
  auto r = Perform(call);
  if (!r) return Fail(r.error());
  JobOutputInfo info;
  info.status = r->status;
  info.tree_hash = std::string(http::FindHeader(r->headers, "x-amz-sha256-tree-hash").value_or(""));
  info.content_range = std::string(http::FindHeader(r->headers, "Content-Range").value_or(""));
  info.content_type = std::string(http::FindHeader(r->headers, "Content-Type").value_or(""));
  info.bytes = r->body_bytes;
  if (range && info.status != 206) {
    return Fail(ErrorCode::kParse, "GetJobOutput: asked for a range, got HTTP " + std::to_string(info.status));
  }
  return info;
}

}  // namespace mtg::glacier
