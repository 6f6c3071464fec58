// Internal to the client library: a typed call through Client::call, stub made per call.
#pragma once

#include <grpcpp/grpcpp.h>

#include "client/client.h"

namespace cue::client::internal {

template <class Service, class Method, class Req, class Resp>
absl::Status invoke(Client& client, Method method, const Req& req, Resp* resp) {
  return client.call([&](const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext* ctx) {
    auto stub = Service::NewStub(channel);
    return ((*stub).*method)(ctx, req, resp);
  });
}

}  // namespace cue::client::internal

// CUE_RPC(job::JobInterface, GetJobs, req, &resp) -> absl::Status
#define CUE_RPC(Service, Method, req, resp) \
  ::cue::client::internal::invoke<Service>(*this, &Service::Stub::Method, req, resp)
