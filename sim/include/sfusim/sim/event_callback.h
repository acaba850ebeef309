// EventCallback: a move-only `void()` callable stored inline, with no heap allocation.
//
// The scheduler keeps one per pending event; std::function would allocate for most captures, and
// events are the simulator's hot path. A callable must fit kCapacity bytes and be nothrow-movable:
// capture pointers/references and small values (a packet buffer is a std::vector: 24 bytes).
// Exceeding the capacity is a compile error that names the limit.
#pragma once

#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace sfusim::sim {

class EventCallback {
 public:
  static constexpr std::size_t kCapacity = 64;

  EventCallback() = default;

  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, EventCallback>>>
  EventCallback(F&& f) {  // NOLINT(google-explicit-constructor)
    using Fn = std::decay_t<F>;
    static_assert(sizeof(Fn) <= kCapacity, "EventCallback: captures exceed kCapacity (64 bytes); capture a pointer instead");
    static_assert(alignof(Fn) <= alignof(std::max_align_t), "EventCallback: over-aligned callable");
    static_assert(std::is_nothrow_move_constructible_v<Fn>, "EventCallback: callable must be nothrow-movable");
    ::new (static_cast<void*>(storage_)) Fn(std::forward<F>(f));
    ops_ = &OpsFor<Fn>::kOps;
  }

  EventCallback(EventCallback&& o) noexcept { MoveFrom(o); }
  EventCallback& operator=(EventCallback&& o) noexcept {
    if (this != &o) {
      Reset();
      MoveFrom(o);
    }
    return *this;
  }
  EventCallback(const EventCallback&) = delete;
  EventCallback& operator=(const EventCallback&) = delete;
  ~EventCallback() { Reset(); }

  explicit operator bool() const { return ops_ != nullptr; }
  void operator()() { ops_->invoke(storage_); }

  void Reset() {
    if (ops_) {
      if (ops_->destroy) ops_->destroy(storage_);
      ops_ = nullptr;
    }
  }

 private:
  // move and destroy are null for trivially copyable / destructible callables (most lambdas:
  // they capture pointers), which are then relocated with a plain copy of the storage.
  struct Ops {
    void (*invoke)(void*);
    void (*move)(void* dst, void* src);  // move-constructs into dst and destroys src
    void (*destroy)(void*);
    std::size_t size;  // bytes of the callable, for the plain-copy relocation
  };
  template <typename Fn>
  struct OpsFor {
    static void Invoke(void* p) { (*static_cast<Fn*>(p))(); }
    static void Move(void* dst, void* src) {
      ::new (dst) Fn(std::move(*static_cast<Fn*>(src)));
      static_cast<Fn*>(src)->~Fn();
    }
    static void Destroy(void* p) { static_cast<Fn*>(p)->~Fn(); }
    static constexpr Ops kOps{&Invoke, std::is_trivially_copyable_v<Fn> ? nullptr : &Move,
                              std::is_trivially_destructible_v<Fn> ? nullptr : &Destroy, sizeof(Fn)};
  };

  void MoveFrom(EventCallback& o) {
    ops_ = o.ops_;
    if (ops_) {
      if (ops_->move) {
        ops_->move(storage_, o.storage_);
      } else {
        std::memcpy(storage_, o.storage_, ops_->size);
      }
      o.ops_ = nullptr;
    }
  }

  alignas(std::max_align_t) unsigned char storage_[kCapacity];
  const Ops* ops_ = nullptr;
};

}  // namespace sfusim::sim
