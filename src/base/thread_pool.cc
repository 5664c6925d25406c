#include "base/thread_pool.h"

#include <algorithm>

namespace mtg {

ThreadPool::ThreadPool(size_t threads, size_t queue_capacity)
    : capacity_(std::max<size_t>(queue_capacity, 1)) {
  threads = std::max<size_t>(threads, 1);
  workers_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

ThreadPool::~ThreadPool() { Shutdown(); }

bool ThreadPool::Submit(std::function<void()> task) {
  std::unique_lock lock(mu_);
  not_full_.wait(lock, [this] { return stopping_ || queue_.size() < capacity_; });
  if (stopping_) return false;
  queue_.push_back(std::move(task));
  not_empty_.notify_one();
  return true;
}

bool ThreadPool::TrySubmit(std::function<void()> task) {
  std::unique_lock lock(mu_);
  if (stopping_ || queue_.size() >= capacity_) return false;
  queue_.push_back(std::move(task));
  not_empty_.notify_one();
  return true;
}

void ThreadPool::Wait() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [this] { return queue_.empty() && running_ == 0; });
}

void ThreadPool::Shutdown() {
  {
    std::unique_lock lock(mu_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  not_empty_.notify_all();
  not_full_.notify_all();
  for (std::thread& t : workers_) {
    if (t.joinable()) t.join();
  }
  workers_.clear();
}

void ThreadPool::WorkerLoop() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      not_empty_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
      not_full_.notify_one();
    }
    task();
    {
      std::unique_lock lock(mu_);
      --running_;
      if (queue_.empty() && running_ == 0) idle_.notify_all();
    }
  }
}

}  // namespace mtg
