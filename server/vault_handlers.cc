// create/describe/list/delete vault and the vault notification configuration.
#include <nlohmann/json.hpp>

#include "handlers.h"
#include "time_format.h"

namespace mtg::server {

namespace {

using nlohmann::json;

json DescribeJson(ServiceContext& context, const VaultRecord& vault, Result<Catalog::VaultTotals> totals) {
  json out;
  out["VaultARN"] = vault.Arn();
  out["VaultName"] = vault.name;
  out["CreationDate"] = IsoMillis(vault.created_ms);
  out["LastInventoryDate"] = vault.last_inventory_ms ? json(IsoMillis(*vault.last_inventory_ms)) : json(nullptr);
  // Our inventory is always current, so the counts are live rather than as of a daily run.
  if (totals) {
    out["NumberOfArchives"] = totals->archives;
    out["SizeInBytes"] = totals->bytes;
  } else {
    out["NumberOfArchives"] = nullptr;
    out["SizeInBytes"] = nullptr;
  }
  (void)context;
  return out;
}

void CreateVault(ServiceContext& context, Request& req, Response& res) {
  const std::string& name = req.Param("vault");
  if (!IsValidVaultName(name)) {
    SetError(res, ApiError::InvalidParameter("Invalid vault name: " + name));
    return;
  }
  auto existing = context.catalog.FindVault(req.account_id, name);
  if (!existing) return SetError(res, ApiError::FromError(existing.error()));
  if (!*existing) {
    auto vaults = context.catalog.ListVaults(req.account_id, "", 1000);
    if (vaults && vaults->size() >= 1000) {
      return SetError(res, ApiError::LimitExceeded("The maximum number of vaults (1000) has been reached"));
    }
  }
  auto vault = context.catalog.CreateVault(req.account_id, name, req.region, context.NowMs());
  if (!vault) return SetError(res, ApiError::FromError(vault.error()));
  res.status = 201;
  res.SetHeader("location", "/" + req.account_id + "/vaults/" + name);
}

void DescribeVault(ServiceContext& context, Request& req, Response& res) {
  auto vault = LookupVault(context, req, res);
  if (!vault) return;
  res.SetJson(200, DescribeJson(context, *vault, context.catalog.CountArchives(vault->id)).dump());
}

std::string NameFromMarker(const std::string& marker) {
  size_t at = marker.rfind(":vaults/");
  return at == std::string::npos ? marker : marker.substr(at + 8);
}

void ListVaults(ServiceContext& context, Request& req, Response& res) {
  auto limit = ParseLimit(req, res, 10, 1000);
  if (!limit) return;
  std::string start;
  if (const std::string* marker = req.Query("marker")) start = NameFromMarker(*marker);
  auto vaults = context.catalog.ListVaults(req.account_id, start, *limit + 1);
  if (!vaults) return SetError(res, ApiError::FromError(vaults.error()));
  json list = json::array();
  json marker = nullptr;
  for (size_t i = 0; i < vaults->size(); ++i) {
    if (i == *limit) {
      marker = (*vaults)[i].Arn();
      break;
    }
    list.push_back(DescribeJson(context, (*vaults)[i], context.catalog.CountArchives((*vaults)[i].id)));
  }
  json out;
  out["VaultList"] = std::move(list);
  out["Marker"] = std::move(marker);
  res.SetJson(200, out.dump());
}

void DeleteVault(ServiceContext& context, Request& req, Response& res) {
  auto vault = LookupVault(context, req, res);
  if (!vault) return;
  auto deleted = context.catalog.DeleteVault(vault->id);
  if (!deleted) {
    if (deleted.error().code == ErrorCode::kInvalidArgument) {
      return SetError(res, ApiError::InvalidParameter("Vault not empty or recently written to: " + vault->Arn()));
    }
    return SetError(res, ApiError::FromError(deleted.error()));
  }
  res.status = 204;
}

void SetNotifications(ServiceContext& context, Request& req, Response& res) {
  auto vault = LookupVault(context, req, res);
  if (!vault) return;
  auto body = req.ReadBodyToString(64 * 1024);
  if (!body) return SetError(res, ApiError::FromError(body.error()));
  json doc = json::parse(*body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return SetError(res, ApiError::InvalidParameter("The notification configuration is not valid JSON"));
  }
  json config;
  if (doc.contains("SNSTopic")) {
    if (!doc["SNSTopic"].is_string()) return SetError(res, ApiError::InvalidParameter("SNSTopic must be a string"));
    config["SNSTopic"] = doc["SNSTopic"];
  }
  if (doc.contains("Events")) {
    if (!doc["Events"].is_array()) return SetError(res, ApiError::InvalidParameter("Events must be a list"));
    for (const auto& e : doc["Events"]) {
      if (!e.is_string() || (e != "ArchiveRetrievalCompleted" && e != "InventoryRetrievalCompleted")) {
        return SetError(res, ApiError::InvalidParameter("Invalid event: " + e.dump()));
      }
    }
    config["Events"] = doc["Events"];
  }
  if (!config.contains("SNSTopic")) {
    return SetError(res, ApiError::MissingParameter("SNSTopic is required"));
  }
  auto saved = context.catalog.SetVaultNotifications(vault->id, config.dump());
  if (!saved) return SetError(res, ApiError::FromError(saved.error()));
  res.status = 204;
}

void GetNotifications(ServiceContext& context, Request& req, Response& res) {
  auto vault = LookupVault(context, req, res);
  if (!vault) return;
  if (vault->notification_json.empty()) {
    return SetError(res, ApiError::ResourceNotFound("No notification configuration is set for vault: " +
                                                    vault->Arn()));
  }
  res.SetJson(200, vault->notification_json);
}

void DeleteNotifications(ServiceContext& context, Request& req, Response& res) {
  auto vault = LookupVault(context, req, res);
  if (!vault) return;
  auto saved = context.catalog.SetVaultNotifications(vault->id, "");
  if (!saved) return SetError(res, ApiError::FromError(saved.error()));
  res.status = 204;
}

}  // namespace

void RegisterVaultRoutes(Router& router, ServiceContext& context) {
  auto wrap = [&context](void (*fn)(ServiceContext&, Request&, Response&)) {
    return [&context, fn](Request& req, Response& res) { fn(context, req, res); };
  };
  router.Add("GET", "/{account}/vaults", "list-vaults", wrap(ListVaults));
  router.Add("PUT", "/{account}/vaults/{vault}", "create-vault", wrap(CreateVault));
  router.Add("GET", "/{account}/vaults/{vault}", "describe-vault", wrap(DescribeVault));
  router.Add("DELETE", "/{account}/vaults/{vault}", "delete-vault", wrap(DeleteVault));
  const char* notify = "/{account}/vaults/{vault}/notification-configuration";
  router.Add("PUT", notify, "set-vault-notifications", wrap(SetNotifications));
  router.Add("GET", notify, "get-vault-notifications", wrap(GetNotifications));
  router.Add("DELETE", notify, "delete-vault-notifications", wrap(DeleteNotifications));
}

}  // namespace mtg::server
