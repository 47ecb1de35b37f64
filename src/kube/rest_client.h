// RestClient: Reader and Applier over one cell's Transport and RestMapper.
//
// Each call maps the object's kind through discovery (refreshing on a miss, see
// rest_mapper.h), builds the REST path and sends one request; retries and rate limiting
// are the transport's.
//
// Thread-safety: thread-safe. Transport and RestMapper must outlive it.
#pragma once

#include <string>
#include <string_view>

#include "kube/client.h"
#include "kube/rest_mapper.h"
#include "kube/transport.h"

namespace cellgate::kube {

class RestClient final : public Reader, public Applier {
 public:
  RestClient(Transport& transport, RestMapper& mapper);

  Result<Object> Get(const GroupVersionKind& gvk, std::string_view ns,
                     std::string_view name) override;
  Result<ObjectList> List(const GroupVersionKind& gvk, std::string_view ns,
                          const ListOptions& options) override;

  Result<Object> Apply(const Object& object, const ApplyOptions& options) override;
  Result<Object> Create(const Object& object, const WriteOptions& options) override;
  Result<Object> Update(const Object& object, const WriteOptions& options) override;
  Status Delete(const Object& object, const DeleteOptions& options) override;

 private:
  // One page of a list.
  Result<ObjectList> ListPage(const ResourceMapping& mapping, std::string_view ns,
                              const ListOptions& options, std::string_view continue_token,
                              std::int64_t limit, const std::string& context);
  // The namespace a request for `object` uses, given its mapping.
  std::string NamespaceFor(const ResourceMapping& mapping, const Object& object) const;
  // Sends a write and parses the returned object.
  // `sent`: the object written; when it is a Secret, its values are masked in errors.
  Result<Object> Write(const HttpRequest& request, const std::string& context, const Object& sent);

  Transport& transport_;
  RestMapper& mapper_;
};

// Items of a list response lack apiVersion and kind; this puts them back first.
Object WithTypeMeta(Json item, const GroupVersionKind& gvk);

// "delete apps/Deployment default/api" style contexts.
std::string ObjectContext(std::string_view verb, const Object& object);

}  // namespace cellgate::kube
