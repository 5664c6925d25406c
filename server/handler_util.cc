#include <charconv>

#include "handlers.h"

namespace mtg::server {

std::string VaultArn(const Request& request, std::string_view vault_name) {
  std::string region = request.region.empty() ? "us-east-1" : request.region;
  return "arn:aws:glacier:" + region + ":" + request.account_id + ":vaults/" + std::string(vault_name);
}

std::optional<VaultRecord> LookupVault(ServiceContext& context, const Request& request,
                                       Response& response) {
  const std::string& name = request.Param("vault");
  auto vault = context.catalog.FindVault(request.account_id, name);
  if (!vault) {
    SetError(response, ApiError::FromError(vault.error()));
    return std::nullopt;
  }
  if (!*vault) {
    SetError(response, ApiError::ResourceNotFound("Vault not found for ARN: " + VaultArn(request, name)));
    return std::nullopt;
  }
  return **vault;
}

bool IsValidVaultName(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool IsValidDescription(std::string_view description) {
  if (description.size() > 1024) return false;
  for (char c : description) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

std::optional<size_t> ParseLimit(const Request& request, Response& response, size_t default_limit,
                                 size_t max_limit) {
  const std::string* text = request.Query("limit");
  if (!text) return default_limit;
  size_t value = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || p != text->data() + text->size() || value < 1 || value > max_limit) {
    SetError(response, ApiError::InvalidParameter("Invalid limit: " + *text + " (must be 1.." +
                                                  std::to_string(max_limit) + ")"));
    return std::nullopt;
  }
  return value;
}

}  // namespace mtg::server
