// Argo CD's name normalisation, used by the `normalize` and `slugify` template functions
// and by the generators' *Normalized parameters.
//
// SanitizeName (Argo CD's utils.SanitizeName): lower-case, every character other than
// [-a-z0-9.] (each UTF-8 character counts once) becomes '-', cut to 253 bytes, then '-' and
// '.' trimmed from both ends: a DNS-1123 subdomain in most cases.
//
// Slugify (Argo CD's SlugifyName over gosimple/slug): SanitizeName, then '.' and '_' runs as
// '-', repeated '-' collapsed, '-' and '_' trimmed, and cut to max_size bytes (smart
// truncation cuts at the last '-' before the limit).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace cellgate::tmpl {

std::string SanitizeName(std::string_view name);
std::string Slugify(std::string_view name, int max_size = 50, bool smart_truncate = true);

}  // namespace cellgate::tmpl
