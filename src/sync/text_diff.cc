#include "sync/text_diff.h"

#include <algorithm>
#include <vector>

namespace cellgate::sync {
namespace {

// Lines keep their '\n', so a last line without one differs from the same text with one.
std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::size_t len = nl == std::string_view::npos ? text.size() : nl + 1;
    lines.push_back(text.substr(0, len));
    text.remove_prefix(len);
  }
  return lines;
}

enum class OpType { kEqual, kDelete, kInsert };

struct Op {
  OpType type;
  std::size_t a;  // lines of `from` before this op
  std::size_t b;  // lines of `to` before this op
};

// Myers' forward greedy search on a[a0,a1) and b[b0,b1), then a walk back through the saved
// frontiers. Appends ops for the middle part; returns false when the distance exceeds the cap.
bool MyersOps(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b,
              std::size_t a0, std::size_t a1, std::size_t b0, std::size_t b1,
              std::vector<Op>& out) {
  const long n = static_cast<long>(a1 - a0);
  const long m = static_cast<long>(b1 - b0);
  const long max_d = std::min<long>(n + m, static_cast<long>(kMaxEditDistance));
  const long offset = max_d + 1;
  std::vector<long> v(static_cast<std::size_t>(2 * max_d + 3), 0);
  std::vector<std::vector<long>> trace;
  long found_d = -1;
  for (long d = 0; d <= max_d && found_d < 0; ++d) {
    for (long k = -d; k <= d; k += 2) {
      long x;
      if (k == -d || (k != d && v[k - 1 + offset] < v[k + 1 + offset])) {
        x = v[k + 1 + offset];
      } else {
        x = v[k - 1 + offset] + 1;
      }
      long y = x - k;
      while (x < n && y < m && a[a0 + x] == b[b0 + y]) {
        ++x;
        ++y;
      }
      v[k + offset] = x;
      if (x >= n && y >= m) found_d = d;
    }
    // Keep only diagonals -d..d of this frontier: O(D^2) memory overall.
    trace.emplace_back(v.begin() + (offset - d), v.begin() + (offset + d + 1));
  }
  if (found_d < 0) return false;

  std::vector<Op> reversed;
  long x = n, y = m;
  for (long d = found_d; d > 0; --d) {
    const std::vector<long>& prev = trace[static_cast<std::size_t>(d - 1)];
    auto prev_at = [&](long k) { return prev[static_cast<std::size_t>(k + d - 1)]; };
    long k = x - y;
    long prev_k;
    if (k == -d || (k != d && prev_at(k - 1) < prev_at(k + 1))) {
      prev_k = k + 1;
    } else {
      prev_k = k - 1;
    }
    long prev_x = prev_at(prev_k);
    long prev_y = prev_x - prev_k;
    while (x > prev_x && y > prev_y) {
      --x;
      --y;
      reversed.push_back(Op{OpType::kEqual, a0 + x, b0 + y});
    }
    if (x == prev_x) {
      --y;
      reversed.push_back(Op{OpType::kInsert, a0 + x, b0 + y});
    } else {
      --x;
      reversed.push_back(Op{OpType::kDelete, a0 + x, b0 + y});
    }
  }
  while (x > 0 && y > 0) {
    --x;
    --y;
    reversed.push_back(Op{OpType::kEqual, a0 + x, b0 + y});
  }
  out.insert(out.end(), reversed.rbegin(), reversed.rend());
  return true;
}

std::vector<Op> EditScript(const std::vector<std::string_view>& a,
                           const std::vector<std::string_view>& b) {
  std::size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  std::vector<Op> ops;
  for (std::size_t i = 0; i < prefix; ++i) ops.push_back(Op{OpType::kEqual, i, i});
  std::size_t a1 = a.size() - suffix, b1 = b.size() - suffix;
  if (!MyersOps(a, b, prefix, a1, prefix, b1, ops)) {
    for (std::size_t i = prefix; i < a1; ++i) ops.push_back(Op{OpType::kDelete, i, prefix});
    for (std::size_t j = prefix; j < b1; ++j) ops.push_back(Op{OpType::kInsert, a1, j});
  }
  for (std::size_t i = 0; i < suffix; ++i) ops.push_back(Op{OpType::kEqual, a1 + i, b1 + i});
  return ops;
}

std::string Range(std::size_t start, std::size_t count) {
  // 1-based first line; for an empty range, the line before it.
  std::string s = std::to_string(count == 0 ? start : start + 1);
  if (count != 1) s += "," + std::to_string(count);
  return s;
}

void AppendLine(std::string& out, char prefix, std::string_view line) {
  out += prefix;
  out += line;
  if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
}

}  // namespace

std::string UnifiedDiff(std::string_view from, std::string_view to, std::string_view from_label,
                        std::string_view to_label, int context_lines) {
  if (from == to) return {};
  auto a = SplitLines(from);
  auto b = SplitLines(to);
  auto ops = EditScript(a, b);
  const std::size_t ctx = static_cast<std::size_t>(std::max(context_lines, 0));

  std::string out;
  out += "--- ";
  out += from_label;
  out += "\n+++ ";
  out += to_label;
  out += '\n';
  std::size_t i = 0;
  while (i < ops.size()) {
    if (ops[i].type == OpType::kEqual) {
      ++i;
      continue;
    }
    std::size_t start = i >= ctx ? i - ctx : 0;
    std::size_t last_change = i;
    std::size_t j = i;
    while (j < ops.size()) {
      if (ops[j].type != OpType::kEqual) {
        last_change = j++;
        continue;
      }
      std::size_t run_start = j;
      while (j < ops.size() && ops[j].type == OpType::kEqual) ++j;
      if (j == ops.size() || j - run_start > 2 * ctx) break;
    }
    std::size_t end = std::min(ops.size(), last_change + 1 + ctx);
    std::size_t a_count = 0, b_count = 0;
    for (std::size_t k = start; k < end; ++k) {
      if (ops[k].type != OpType::kInsert) ++a_count;
      if (ops[k].type != OpType::kDelete) ++b_count;
    }
    out += "@@ -" + Range(ops[start].a, a_count) + " +" + Range(ops[start].b, b_count) + " @@\n";
    for (std::size_t k = start; k < end; ++k) {
      switch (ops[k].type) {
        case OpType::kEqual:
          AppendLine(out, ' ', a[ops[k].a]);
          break;
        case OpType::kDelete:
          AppendLine(out, '-', a[ops[k].a]);
          break;
        case OpType::kInsert:
          AppendLine(out, '+', b[ops[k].b]);
          break;
      }
    }
    i = end;
  }
  return out;
}

}  // namespace cellgate::sync
