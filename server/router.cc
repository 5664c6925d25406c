#include "router.h"

namespace mtg::server {

std::optional<std::vector<std::string>> Router::Segments(std::string_view raw_path) {
  std::vector<std::string> out;
  if (raw_path.empty() || raw_path[0] != '/') return std::nullopt;
  raw_path.remove_prefix(1);
  while (true) {
    size_t slash = raw_path.find('/');
    auto decoded = PercentDecode(raw_path.substr(0, slash));
    if (!decoded) return std::nullopt;
    out.push_back(std::move(*decoded));
    if (slash == std::string_view::npos) break;
    raw_path.remove_prefix(slash + 1);
  }
  return out;
}

void Router::Add(std::string method, std::string_view pattern, std::string operation,
                 Handler handler) {
  Route route;
  route.method = std::move(method);
  route.pattern = *Segments(pattern);
  route.operation = std::move(operation);
  route.handler = std::move(handler);
  routes_.push_back(std::move(route));
}

Router::Match Router::Find(std::string_view method, std::string_view raw_path) const {
  Match result;
  auto segments = Segments(raw_path);
  if (!segments) return result;
  std::string_view effective = method == "HEAD" ? std::string_view("GET") : method;
  for (const Route& route : routes_) {
    if (route.pattern.size() != segments->size()) continue;
    std::map<std::string, std::string, std::less<>> params;
    bool ok = true;
    for (size_t i = 0; i < route.pattern.size() && ok; ++i) {
      const std::string& p = route.pattern[i];
      const std::string& s = (*segments)[i];
      if (p.size() >= 2 && p.front() == '{' && p.back() == '}') {
        if (s.empty()) ok = false;
        else params[p.substr(1, p.size() - 2)] = s;
      } else if (p != s) {
        ok = false;
      }
    }
    if (!ok) continue;
    if (route.method != effective) {
      result.kind = MatchKind::kWrongMethod;
      continue;
    }
    result.kind = MatchKind::kFound;
    result.handler = &route.handler;
    result.operation = route.operation;
    result.params = std::move(params);
    return result;
  }
  return result;
}

}  // namespace mtg::server
