// A fixed set of worker threads fed through a bounded queue. Submit() blocks while the queue is
// full, which is how producers (the file reader, the planner) are held back and memory stays
// bounded by workers + queue capacity, whatever the number of files.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mtg {

class ThreadPool {
 public:
  // threads: number of workers (≥ 1). queue_capacity: tasks waiting beyond those running (≥ 1).
  ThreadPool(size_t threads, size_t queue_capacity);
  ~ThreadPool();  // Finishes queued tasks, then joins.

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Queues a task, blocking while the queue is full. Returns false after Shutdown().
  bool Submit(std::function<void()> task);
  // Queues a task only if there is room right now.
  bool TrySubmit(std::function<void()> task);

  // Blocks until every task submitted so far has finished.
  void Wait();

  // Stops accepting tasks, runs what is queued, joins the workers. Idempotent.
  void Shutdown();

  size_t thread_count() const { return workers_.size(); }

 private:
  void WorkerLoop();

  std::mutex mu_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::condition_variable idle_;
  std::deque<std::function<void()>> queue_;
  size_t capacity_;
  size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace mtg
