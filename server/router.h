// Routes a request to its handler by method and path pattern. This is the plug-in point for
// modules that add operations (server/jobs*: initiate-job, list-jobs, describe-job,
// get-job-output):
//
//   void RegisterJobRoutes(Router& router, ServiceContext& context) {
//     router.Add("POST", "/{account}/vaults/{vault}/jobs", "initiate-job",
//                [&context](Request& req, Response& res) { ... });
//   }
//
// Patterns are '/'-separated; "{name}" captures one whole path segment (percent-decoded) into
// req.params["name"]; anything else must match the decoded segment exactly. "{account}" must be
// the first segment of every Glacier route: the service has already checked it ("-" or the
// caller's account id) and put the account into req.account_id before the handler runs.
//
// What a handler gets and must do (see http.h):
//   - req.params, req.query (decoded), req.Header("x-amz-...") (case-insensitive),
//     req.account_id, req.region, req.request_id; the signature is already verified.
//   - The body: req.ReadBody(sink) streams it; req.ReadBodyToString(max) for small JSON bodies.
//     x-amz-content-sha256 is checked by ReadBody itself: when it returns an error the handler
//     returns that error (SetError(res, ApiError::FromError(e))) and drops what it stored.
//     An unread body is drained after the handler returns.
//   - The answer: res.SetJson(200, json) / SetError(res, ApiError::...) / res.status = 204 /
//     res.SetFile(200 or 206, fd, offset, length, "application/octet-stream") to stream a file
//     range (the response closes the fd); headers with res.SetHeader (lowercase names are fine;
//     HTTP header names are case-insensitive). The service adds x-amzn-RequestId, Date and
//     Content-Length itself, and handles fault injection (including corrupting a streamed body).
//   - Range requests: the HTTP layer does NOT apply Range headers; a handler that supports
//     them (get-job-output) parses req.Header("range") and answers 206 + Content-Range itself.
//   - Handlers run on many threads at once: shared state needs its own locking (the Catalog
//     is thread-safe).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http.h"

namespace mtg::server {

using Handler = std::function<void(Request&, Response&)>;

class Router {
 public:
  // operation: the AWS CLI-style name used by fault injection and the access log.
  void Add(std::string method, std::string_view pattern, std::string operation, Handler handler);

  enum class MatchKind { kFound, kNoSuchPath, kWrongMethod };
  struct Match {
    MatchKind kind = MatchKind::kNoSuchPath;
    const Handler* handler = nullptr;
    std::string operation;
    std::map<std::string, std::string, std::less<>> params;
  };
  // Matches method and decoded path segments. HEAD matches GET routes.
  Match Find(std::string_view method, std::string_view raw_path) const;

  // Splits a raw path into percent-decoded segments ("/a/b%2Fc" → {"a", "b/c"}); empty
  // segments are kept ("/a//b" → {"a", "", "b"}). nullopt on a bad escape.
  static std::optional<std::vector<std::string>> Segments(std::string_view raw_path);

 private:
  struct Route {
    std::string method;
    std::vector<std::string> pattern;  // "{x}" = capture
    std::string operation;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace mtg::server
