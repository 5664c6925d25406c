#include "service.h"

#include <chrono>
#include <thread>

#include "hash/sha256.h"
#include "sign/canonical.h"
#include "time_format.h"

namespace mtg::server {

Service::Service(ServiceContext& context, Router& router, const Authenticator& auth,
                 FaultInjector* faults)
    : context_(context), router_(router), auth_(auth), faults_(faults) {}

void Service::Handle(Request& request, Response& response) {
  auto start = std::chrono::steady_clock::now();
  int64_t arrival_ms = context_.NowMs();
  request.request_id = context_.ids.RequestId();
  Dispatch(request, response);
  request.DrainBody();
  response.SetHeader("x-amzn-requestid", request.request_id);
  response.SetHeader("date", HttpDate(context_.clock.NowUnix()));
  int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::steady_clock::now() - start)
                   .count();
  for (const auto& observer : observers_) observer(request, response, arrival_ms, us);
}

bool Service::Authenticate(Request& request, Response& response) {
  std::string body_sha256;
  if (!request.Header("x-amz-content-sha256")) {
    // No declared payload hash: the signature covers the body's hash, so read it first. Only
    // small JSON bodies come this way; uploads always declare their hash.
    auto body = request.ReadBodyToString(kMaxUnhashedBody);
    if (!body) {
      SetError(response, ApiError::InvalidParameter(
                             "a request body over 1 MiB must carry x-amz-content-sha256"));
      return false;
    }
    body_sha256 = hash::Sha256Hex(*body);
    request.SetBufferedBody(std::move(*body));
  }
  auto outcome = auth_.Verify(request, context_.clock.NowUnix(), body_sha256);
  if (!outcome) {
    SetError(response, outcome.error());
    return false;
  }
  request.account_id = outcome->account_id;
  request.access_key = outcome->access_key;
  request.region = outcome->region;
  // Checked by the request as the body streams (in the same pass as the tree hash for uploads).
  if (outcome->expected_body_sha256) request.SetExpectedSha256(*outcome->expected_body_sha256);
  return true;
}

void Service::Dispatch(Request& request, Response& response) {
  if (!Authenticate(request, response)) return;

  auto segments = Router::Segments(request.raw_path);
  if (!segments || segments->empty() || segments->front().empty()) {
    SetError(response, ApiError::ResourceNotFound("No resource at " + request.path));
    return;
  }
  const std::string& account = segments->front();
  if (account != "-" && account != request.account_id) {
    SetError(response, ApiError::AccessDenied("Access denied to account " + account));
    return;
  }
  auto match = router_.Find(request.method, request.raw_path);
  if (match.kind == Router::MatchKind::kNoSuchPath) {
    SetError(response, ApiError::ResourceNotFound("No resource at " + request.path));
    return;
  }
  if (match.kind == Router::MatchKind::kWrongMethod) {
    SetError(response, ApiError::Custom(405, "MethodNotAllowedException",
                                        "Method " + request.method + " not allowed on " + request.path));
    return;
  }
  request.params = std::move(match.params);
  request.operation = match.operation;

  FaultDecision fault;
  if (faults_ && !faults_->Empty()) fault = faults_->Decide(request.operation);
  if (fault.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(fault.delay_ms));
  switch (fault.action) {
    case FaultAction::kError:
      SetError(response, ApiError::Custom(fault.status, fault.aws_code,
                                          fault.message.empty() ? "Injected fault" : fault.message));
      return;
    case FaultAction::kReset:
      if (request.content_length.value_or(0) > 0) {
        // Dropped while the request body was in flight: nothing was stored.
        response.reset_after_bytes = 0;
        return;
      }
      break;
    default:
      break;
  }

  (*match.handler)(request, response);

  if (fault.action == FaultAction::kReset) {
    // The operation happened but the answer is lost half-way: the case that tests idempotency.
    response.reset_after_bytes = response.BodyLength() / 2;
  } else if (fault.action == FaultAction::kCorrupt &&
             (response.status == 200 || response.status == 206) && response.BodyLength() > 0) {
    response.corrupt_offset = FaultInjector::CorruptOffset(fault, response.BodyLength());
  }
}

}  // namespace mtg::server
