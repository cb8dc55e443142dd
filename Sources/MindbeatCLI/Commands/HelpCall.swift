import MindbeatCore

extension Commands {
    static let helpCall = Command(
        ["help", "call"], group: .sessions,
        summary: "tips for fixing video-call problems",
        examples: [("mindbeat help call", "what to try when the video or sound fails")],
        action: .open { context, _ in
            let tips = [
                "Tips for video-call problems",
                "",
                "1. Check that the browser may use your camera and microphone, and that no other program holds them.",
                "2. Pick the right microphone, speaker and camera in the call settings; unplug and replug a headset.",
                "3. Close other tabs and programs that use the network or the camera; turn off a virtual background.",
                "4. Reload the session window, or leave and attend again: the counter keeps your first join time.",
                "5. Tell your member in the chat what is happening: mindbeat chat ID 'TEXT'.",
                "6. Still failing? Agree in the chat to switch, then: mindbeat switch ID --zoom (needs a Zoom link on your profile) or mindbeat switch ID --phone.",
                "7. Whatever the channel, come back and end the session here so that it is logged: mindbeat end ID --held.",
            ]
            for tip in tips {
                HelpWriter.wrap(tip, width: context.helpWidth, indent: tip.first?.isNumber == true ? 3 : 0, firstIndent: 0)
                    .forEach(context.out.line)
            }
        }
    )
}
