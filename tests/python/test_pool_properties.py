"""Property tests of the object pools (hosted build, through the C ABI):
no object is handed out twice, none is lost, exhaustion and refill behave."""

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from tradekernel.hosted_pool import ANY_NODE, Pool

CORES, NODES, PER_NODE, SIZE = 4, 2, 40, 48


class PoolMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.pool = Pool(SIZE, PER_NODE, cores=CORES, nodes=NODES)
        self.live: dict[int, int] = {}  # address -> node
        self.failures = 0

    @rule(core=st.integers(0, CORES - 1))
    def alloc(self, core: int) -> None:
        address = self.pool.alloc(core)
        if address is None:
            # Only when every object is live or cached in other cores' magazines.
            stats = self.pool.stats()
            assert len(self.live) + stats.cached == PER_NODE * NODES
            self.failures += 1
            return
        assert address not in self.live, "object handed out twice"
        assert address % 64 == 0
        node = self.pool.node_of(address)
        assert node in range(NODES)
        self.live[address] = node

    @precondition(lambda self: self.live)
    @rule(data=st.data(), core=st.integers(0, CORES - 1))
    def free(self, data: st.DataObject, core: int) -> None:
        address = data.draw(st.sampled_from(sorted(self.live)))
        del self.live[address]
        self.pool.free(core, address)

    @invariant()
    def counts_match_the_model(self) -> None:
        stats = self.pool.stats()
        assert stats.in_use == len(self.live)
        assert stats.failures == self.failures
        assert stats.capacity == PER_NODE * NODES
        assert len(self.live) <= stats.high_water <= stats.capacity

    def teardown(self) -> None:
        # Nothing lost: after freeing everything, every object can be taken
        # again (some from other cores' magazines once the stacks run dry).
        for address in self.live:
            self.pool.free(0, address)
        taken = set()
        for core in range(CORES):
            while (address := self.pool.alloc(core)) is not None:
                assert address not in taken
                taken.add(address)
        assert len(taken) == PER_NODE * NODES
        self.pool.close()


PoolMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=80, deadline=None)
TestPool = PoolMachine.TestCase


def test_cores_allocate_from_their_own_node_first():
    with Pool(64, 100, cores=4, nodes=2) as pool:
        for core in range(4):
            addresses = [pool.alloc(core) for _ in range(20)]
            assert {pool.node_of(a) for a in addresses} == {core % 2}
        assert pool.stats().remote_refills == 0
        assert pool.node_of(12345) == ANY_NODE


def test_exhaustion_then_refill():
    with Pool(256, 10, cores=2, nodes=1) as pool:
        objects = [pool.alloc(0) for _ in range(10)]
        assert None not in objects
        assert pool.stats().stride == 256
        assert pool.alloc(0) is None
        assert pool.alloc(1) is None
        assert pool.stats().failures == 2
        pool.free(1, objects[3])
        assert pool.alloc(1) == objects[3]
