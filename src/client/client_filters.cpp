// Client: a show's filters, their matchers and actions (OpenCue's FilterInterface,
// MatcherInterface, ActionInterface and ShowInterface's filter calls).
#include "client/client.h"
#include "client/rpc_call.h"
#include "filter.grpc.pb.h"
#include "show.grpc.pb.h"
#include "wire/convert.h"

namespace cue::client {

using wire::fromProto;

namespace {

filter::Filter filterRef(const std::string& id) {
  filter::Filter f;
  f.set_id(id);
  return f;
}

template <class Out, class Seq>
std::vector<Out> all(const Seq& seq) {
  std::vector<Out> out;
  out.reserve(seq.size());
  for (const auto& m : seq) out.push_back(fromProto(m));
  return out;
}

}  // namespace

absl::StatusOr<std::vector<core::Filter>> Client::getFilters(const std::string& show_id) {
  show::ShowGetFiltersRequest req;
  req.mutable_show()->set_id(show_id);
  show::ShowGetFiltersResponse resp;
  auto st = CUE_RPC(show::ShowInterface, GetFilters, req, &resp);
  if (!st.ok()) return st;
  return all<core::Filter>(resp.filters().filters());
}

absl::StatusOr<core::Filter> Client::createFilter(const std::string& show_id,
                                                  const std::string& name) {
  show::ShowCreateFilterRequest req;
  req.mutable_show()->set_id(show_id);
  req.set_name(name);
  show::ShowCreateFilterResponse resp;
  auto st = CUE_RPC(show::ShowInterface, CreateFilter, req, &resp);
  if (!st.ok()) return st;
  return fromProto(resp.filter());
}

absl::Status Client::deleteFilter(const std::string& filter_id) {
  filter::FilterDeleteRequest req;
  *req.mutable_filter() = filterRef(filter_id);
  filter::FilterDeleteResponse resp;
  return CUE_RPC(filter::FilterInterface, Delete, req, &resp);
}

absl::Status Client::setFilterEnabled(const std::string& filter_id, bool enabled) {
  filter::FilterSetEnabledRequest req;
  *req.mutable_filter() = filterRef(filter_id);
  req.set_enabled(enabled);
  filter::FilterSetEnabledResponse resp;
  return CUE_RPC(filter::FilterInterface, SetEnabled, req, &resp);
}

absl::Status Client::setFilterType(const std::string& filter_id, core::FilterType type) {
  filter::FilterSetTypeRequest req;
  *req.mutable_filter() = filterRef(filter_id);
  req.set_type(static_cast<filter::FilterType>(type));
  filter::FilterSetTypeResponse resp;
  return CUE_RPC(filter::FilterInterface, SetType, req, &resp);
}

absl::StatusOr<std::vector<core::Matcher>> Client::getMatchers(const std::string& filter_id) {
  filter::FilterGetMatchersRequest req;
  *req.mutable_filter() = filterRef(filter_id);
  filter::FilterGetMatchersResponse resp;
  auto st = CUE_RPC(filter::FilterInterface, GetMatchers, req, &resp);
  if (!st.ok()) return st;
  return all<core::Matcher>(resp.matchers().matchers());
}

absl::StatusOr<core::Matcher> Client::createMatcher(const std::string& filter_id,
                                                    const core::Matcher& matcher) {
  filter::FilterCreateMatcherRequest req;
  *req.mutable_filter() = filterRef(filter_id);
  wire::toProto(matcher, req.mutable_data());
  filter::FilterCreateMatcherResponse resp;
  auto st = CUE_RPC(filter::FilterInterface, CreateMatcher, req, &resp);
  if (!st.ok()) return st;
  return fromProto(resp.matcher());
}

absl::Status Client::deleteMatcher(const std::string& matcher_id) {
  filter::MatcherDeleteRequest req;
  req.mutable_matcher()->set_id(matcher_id);
  filter::MatcherDeleteResponse resp;
  return CUE_RPC(filter::MatcherInterface, Delete, req, &resp);
}

absl::StatusOr<std::vector<core::Action>> Client::getActions(const std::string& filter_id) {
  filter::FilterGetActionsRequest req;
  *req.mutable_filter() = filterRef(filter_id);
  filter::FilterGetActionsResponse resp;
  auto st = CUE_RPC(filter::FilterInterface, GetActions, req, &resp);
  if (!st.ok()) return st;
  return all<core::Action>(resp.actions().actions());
}

absl::StatusOr<core::Action> Client::createAction(const std::string& filter_id,
                                                  const core::Action& action) {
  filter::FilterCreateActionRequest req;
  *req.mutable_filter() = filterRef(filter_id);
  wire::toProto(action, req.mutable_data());
  filter::FilterCreateActionResponse resp;
  auto st = CUE_RPC(filter::FilterInterface, CreateAction, req, &resp);
  if (!st.ok()) return st;
  return fromProto(resp.action());
}

absl::Status Client::deleteAction(const std::string& action_id) {
  filter::ActionDeleteRequest req;
  req.mutable_action()->set_id(action_id);
  filter::ActionDeleteResponse resp;
  return CUE_RPC(filter::ActionInterface, Delete, req, &resp);
}

}  // namespace cue::client
