// The Glacier operations this module serves, registered on a Router. Jobs (initiate-job,
// list-jobs, describe-job, get-job-output) are registered by server/jobs*.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api_error.h"
#include "context.h"
#include "router.h"

namespace mtg::server {

// create/describe/list/delete vault, vault notification configuration set/get/delete.
void RegisterVaultRoutes(Router& router, ServiceContext& context);
// upload-archive, delete-archive.
void RegisterArchiveRoutes(Router& router, ServiceContext& context);
// initiate / upload part / list parts / list uploads / complete / abort.
void RegisterMultipartRoutes(Router& router, ServiceContext& context);

// Shared by the handlers (and usable by the jobs module).

// The vault named by req.Param("vault") in the caller's account; on failure the response is
// already set (404 ResourceNotFoundException with the vault's ARN, or 500).
std::optional<VaultRecord> LookupVault(ServiceContext& context, const Request& request,
                                       Response& response);
// Vault names: 1-255 characters of a-z A-Z 0-9 _ - .
bool IsValidVaultName(std::string_view name);
// Archive descriptions: at most 1,024 characters, each 0x20..0x7E.
bool IsValidDescription(std::string_view description);
// The "limit" query parameter: default_limit when absent; nullopt (and a 400 set on the
// response) when not an integer in 1..max_limit.
std::optional<size_t> ParseLimit(const Request& request, Response& response, size_t default_limit,
                                 size_t max_limit);
// The "ARN" a vault would have, for error messages about missing vaults.
std::string VaultArn(const Request& request, std::string_view vault_name);

}  // namespace mtg::server
