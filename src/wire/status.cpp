#include "wire/status.h"

#include "absl/strings/str_cat.h"

namespace cue::wire {

grpc::Status toGrpc(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(static_cast<int>(status.code())),
                      std::string(status.message()));
}

absl::Status fromGrpc(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(static_cast<int>(status.error_code())),
                      status.error_message());
}

void toResult(const absl::Status& status, ext::CallResult* out) {
  out->set_code(static_cast<int>(status.code()));
  out->set_message(std::string(status.message()));
}

absl::Status fromResult(const ext::CallResult& result) {
  if (result.code() == 0) return absl::OkStatus();
  const bool known =
      result.code() > 0 && result.code() <= static_cast<int>(absl::StatusCode::kUnauthenticated);
  return absl::Status(
      known ? static_cast<absl::StatusCode>(result.code()) : absl::StatusCode::kUnknown,
      result.message());
}

absl::Status notFound(const std::string& what, const std::string& key) {
  return absl::NotFoundError(absl::StrCat(what, " ", key, " was not found"));
}

}  // namespace cue::wire
