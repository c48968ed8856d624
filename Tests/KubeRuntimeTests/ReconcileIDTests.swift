import Foundation
import Testing

@testable import KubeRuntime

struct ReconcileIDTests {
    @Test func formatsBitsAsALowerCaseVersion4UUID() {
        #expect(
            ReconcileID.format(high: 0x0123_4567_89ab_cdef, low: 0xfedc_ba98_7654_3210)
                == "01234567-89ab-4def-bedc-ba9876543210")
        #expect(ReconcileID.format(high: 0, low: 0) == "00000000-0000-4000-8000-000000000000")
        #expect(ReconcileID.format(high: .max, low: .max) == "ffffffff-ffff-4fff-bfff-ffffffffffff")
    }

    @Test func randomIDsAreVersion4UUIDsAndDiffer() throws {
        let ids = (0..<100).map { _ in ReconcileID.random() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let uuid = try #require(UUID(uuidString: id))
            #expect(uuid.uuidString.lowercased() == id)
            let bytes = uuid.uuid
            #expect(bytes.6 >> 4 == 4)
            #expect(bytes.8 >> 6 == 0b10)
        }
    }
}
