// The request pipeline every request goes through, in order: request id; SigV4 verification
// (buffering a small body first when it carries no x-amz-content-sha256); the account in the
// path; routing; fault injection; the handler; the common headers (x-amzn-RequestId, Date);
// observers (the access log). The HTTP layer calls Handle() from its connection threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "auth.h"
#include "context.h"
#include "faults.h"
#include "http.h"
#include "router.h"

namespace mtg::server {

// Largest body accepted without x-amz-content-sha256 (JSON documents: job parameters,
// notification configuration); it must be read before the signature can be checked.
inline constexpr size_t kMaxUnhashedBody = 1 << 20;

class Service {
 public:
  // faults may be null (no fault injection).
  Service(ServiceContext& context, Router& router, const Authenticator& auth,
          FaultInjector* faults);

  // Runs after each response is ready (before it is sent): arrival time (ms since the epoch)
  // and the time taken to handle it (µs).
  using Observer = std::function<void(const Request&, const Response&, int64_t arrival_unix_ms,
                                      int64_t duration_us)>;
  void AddObserver(Observer observer) { observers_.push_back(std::move(observer)); }

  void Handle(Request& request, Response& response);

 private:
  void Dispatch(Request& request, Response& response);
  bool Authenticate(Request& request, Response& response);

  ServiceContext& context_;
  Router& router_;
  const Authenticator& auth_;
  FaultInjector* faults_;
  std::vector<Observer> observers_;
};

}  // namespace mtg::server
