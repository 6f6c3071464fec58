#include "common/logging.h"

#include <mutex>

#include "spdlog/sinks/stdout_sinks.h"

namespace cue::common {

std::shared_ptr<spdlog::logger> logger(const std::string& component) {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  if (auto existing = spdlog::get(component)) return existing;
  auto log = spdlog::stderr_logger_mt(component);
  log->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ [%n] %v");
  log->set_level(spdlog::get_level());
  return log;
}

void setLogLevel(const std::string& level) {
  auto lvl = spdlog::level::from_str(level);
  spdlog::set_level(lvl);
  spdlog::apply_all([lvl](std::shared_ptr<spdlog::logger> l) { l->set_level(lvl); });
}

}  // namespace cue::common
