// Fault injection for mtglacier-server (--faults SPEC, --fault-seed N): which requests are
// answered with a transient error, reset, slowed down or (job output only) corrupted. The
// decision is pure and deterministic: the same spec, seed and request order give the same
// faults, so a reliability test that fails can be replayed exactly.
//
// SPEC is a comma-separated list of rules OP:RATE:ACTION
//   OP      an operation name (create-vault, upload-archive, upload-part, get-job-output, ...;
//           see kFaultOperations) or * for every operation
//   RATE    the fraction of matching requests hit, a decimal in [0, 1] (0.2, 1, .05)
//   ACTION  500      500 ServiceUnavailableException
//           503      503 ServiceUnavailableException
//           408      408 RequestTimeoutException
//           throttle 400 ThrottlingException
//           reset    the connection is dropped part-way through the exchange
//           slow=D   the response is delayed by D (200ms, 2s); combines with the other actions
//           corrupt  one byte of the job output body is flipped (get-job-output only)
// Rules are tried in order. Every firing slow rule adds its delay; the first firing rule with
// another action decides the outcome. Each rule draws from its own stream, keyed by the seed,
// the rule's position and the count of requests it has seen, so adding a rule does not shift
// the draws of the others.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace mtg::server {

// Operation names a rule may name (the AWS CLI subcommand names, upload-part for
// upload-multipart-part).
inline constexpr std::string_view kFaultOperations[] = {
    "create-vault",          "describe-vault",
    "list-vaults",           "delete-vault",
    "upload-archive",        "delete-archive",
    "initiate-multipart-upload", "upload-part",
    "complete-multipart-upload", "abort-multipart-upload",
    "list-parts",            "list-multipart-uploads",
    "initiate-job",          "describe-job",
    "list-jobs",             "get-job-output",
    "set-vault-notifications", "get-vault-notifications",
    "delete-vault-notifications",
};

// True when name is one of kFaultOperations.
bool IsKnownOperation(std::string_view name);

enum class FaultAction { kNone, kError, kReset, kCorrupt };

struct FaultRule {
  std::string operation;  // "*" or one of kFaultOperations
  double rate = 0;        // in [0, 1]
  FaultAction action = FaultAction::kNone;  // kNone for a pure slow rule
  int status = 0;         // for kError
  std::string aws_code;   // for kError
  int64_t delay_ms = 0;   // for slow rules
};

// What to do to one request.
struct FaultDecision {
  FaultAction action = FaultAction::kNone;
  int status = 0;
  std::string aws_code;
  std::string message;
  int64_t delay_ms = 0;
  // For kCorrupt: which byte of the body to flip, as a fraction of the body length source.
  uint64_t corrupt_salt = 0;

  bool Any() const { return action != FaultAction::kNone || delay_ms > 0; }
};

// Parses SPEC; an error names the offending rule and token. An empty spec means no faults.
Result<std::vector<FaultRule>> ParseFaultSpec(std::string_view spec);

// The --help text describing SPEC (for server-core's usage message).
std::string_view FaultSpecHelp();

class FaultInjector {
 public:
  FaultInjector(std::vector<FaultRule> rules, uint64_t seed);

  // Decides the fate of the next request of the given operation. Thread-safe.
  FaultDecision Decide(std::string_view operation);

  bool Empty() const { return rules_.empty(); }

  // Flips one byte of body chosen from the decision's salt (no-op on an empty body).
  static void CorruptBody(const FaultDecision& decision, std::span<uint8_t> body);
  // Which byte offset CorruptBody flips for a body of the given length.
  static uint64_t CorruptOffset(const FaultDecision& decision, uint64_t length);

 private:
  std::vector<FaultRule> rules_;
  uint64_t seed_;
  std::unique_ptr<std::atomic<uint64_t>[]> counters_;  // requests seen per rule
};

}  // namespace mtg::server
