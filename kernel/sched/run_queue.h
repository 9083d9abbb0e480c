// The per-core run queue: one FIFO per priority level and a bitmap of the
// non-empty levels, so picking the next task is a bit scan: O(1).
// Touched only by its own core.
#pragma once

#include "kernel/sched/task.h"

namespace tk::sched {

class RunQueue {
public:
    bool empty() const { return bitmap_ == 0; }
    // Highest priority level with a task, or kPriorityLevels if none.
    u32 best_level() const { return bitmap_ ? u32(__builtin_ctz(bitmap_)) : kPriorityLevels; }
    bool has_level(u32 level) const { return (bitmap_ >> level) & 1; }

    void push_back(Task* t) {
        u32 level = u32(t->priority);
        t->next = nullptr;
        if (tail_[level]) tail_[level]->next = t;
        else head_[level] = t;
        tail_[level] = t;
        bitmap_ |= 1u << level;
    }

    // A preempted task goes back to the front of its level: it keeps its turn.
    void push_front(Task* t) {
        u32 level = u32(t->priority);
        t->next = head_[level];
        head_[level] = t;
        if (!tail_[level]) tail_[level] = t;
        bitmap_ |= 1u << level;
    }

    Task* pop() {
        if (!bitmap_) return nullptr;
        u32 level = u32(__builtin_ctz(bitmap_));
        Task* t = head_[level];
        head_[level] = t->next;
        if (!head_[level]) {
            tail_[level] = nullptr;
            bitmap_ &= ~(1u << level);
        }
        t->next = nullptr;
        return t;
    }

private:
    Task* head_[kPriorityLevels] = {};
    Task* tail_[kPriorityLevels] = {};
    u32 bitmap_ = 0;
};

// Sleeping tasks in deadline order (a sorted list: at most kMaxTasks entries,
// inserted on the sleeping task's own core).
class SleepQueue {
public:
    bool empty() const { return head_ == nullptr; }
    u64 earliest() const { return head_ ? head_->deadline : ~0ull; }

    void insert(Task* t) {
        Task** link = &head_;
        while (*link && (*link)->deadline <= t->deadline) link = &(*link)->next;
        t->next = *link;
        *link = t;
    }

    Task* pop_expired(u64 now) {
        if (!head_ || head_->deadline > now) return nullptr;
        Task* t = head_;
        head_ = t->next;
        t->next = nullptr;
        return t;
    }

private:
    Task* head_ = nullptr;
};

}  // namespace tk::sched
