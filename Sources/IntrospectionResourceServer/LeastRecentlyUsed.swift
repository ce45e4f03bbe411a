/// A dictionary with a capacity that drops its least recently used entry when full. Lookups, updates
/// and evictions are O(1): the entries form a doubly linked list through array indices, most recently
/// used at the head.
struct LeastRecentlyUsed<Key: Hashable, Value> {
    private struct Node {
        var key: Key
        var value: Value
        var previous: Int
        var next: Int
    }

    /// The most entries kept.
    let capacity: Int
    private var indices: [Key: Int] = [:]
    private var nodes: [Node] = []
    private var free: [Int] = []
    private var head = -1
    private var tail = -1

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The number of entries.
    var count: Int { indices.count }

    /// The value for `key`, which becomes the most recently used.
    mutating func value(for key: Key) -> Value? {
        guard let index = indices[key] else { return nil }
        moveToHead(index)
        return nodes[index].value
    }

    /// Sets the value for `key`, making it the most recently used; drops the least recently used entry
    /// when a new key would exceed the capacity. Returns whether an entry was dropped.
    @discardableResult
    mutating func set(_ value: Value, for key: Key) -> Bool {
        if let index = indices[key] {
            nodes[index].value = value
            moveToHead(index)
            return false
        }
        var evicted = false
        if indices.count >= capacity, tail >= 0 {
            remove(at: tail)
            evicted = true
        }
        let node = Node(key: key, value: value, previous: -1, next: head)
        let index: Int
        if let reused = free.popLast() {
            nodes[reused] = node
            index = reused
        } else {
            nodes.append(node)
            index = nodes.count - 1
        }
        if head >= 0 { nodes[head].previous = index }
        head = index
        if tail < 0 { tail = index }
        indices[key] = index
        return evicted
    }

    /// Removes the entry for `key`, if any.
    mutating func removeValue(for key: Key) {
        guard let index = indices[key] else { return }
        remove(at: index)
    }

    private mutating func remove(at index: Int) {
        unlink(index)
        indices[nodes[index].key] = nil
        free.append(index)
    }

    private mutating func unlink(_ index: Int) {
        let (previous, next) = (nodes[index].previous, nodes[index].next)
        if previous >= 0 { nodes[previous].next = next } else { head = next }
        if next >= 0 { nodes[next].previous = previous } else { tail = previous }
        nodes[index].previous = -1
        nodes[index].next = -1
    }

    private mutating func moveToHead(_ index: Int) {
        guard index != head else { return }
        unlink(index)
        nodes[index].next = head
        if head >= 0 { nodes[head].previous = index }
        head = index
        if tail < 0 { tail = index }
    }
}
