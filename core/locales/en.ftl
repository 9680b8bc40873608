## Page
brand = Doorway
title = Does this network let your device through?
lede = Open this page on the network you want to check. It tests, from your browser, the ports your device or app needs.
footer = A browser can test outgoing TCP and UDP to this server. It cannot test incoming traffic, or ports browsers refuse to use (such as 53, 123, 554 and 5060); those are marked as not testable, never as blocked.
language = Language
language-failed = The words for { $language } could not be loaded. Check the connection and choose it again.
loading = Loading Doorway…
loading-profile = Loading the check for { $profile }…
needs-javascript = This check needs JavaScript: it tests your network from inside the browser. Turn JavaScript on for this site, or open the link in another browser.
config-failed = Doorway cannot start: { $message }.
config-failed-hint = Check that you are online, then reload this page.
unknown-profile = There is no profile called “{ $id }”. Choose one below, or list the ports in the address, e.g. ?tcp=443,8557&udp=16500-65000.
bad-ports = The ports in the address cannot be checked: { $reason }.

## Port lists (the reason in bad-ports)
ports-empty = the port list is empty
ports-empty-item = the port list has an empty item (two commas in a row?)
ports-not-a-number = "{ $item }" is not a port number; write ports like 443 or ranges like 9998-9999
ports-zero = port 0 does not exist; ports run from 1 to 65535
ports-too-large = { $item } is above 65535, the highest port number
ports-backwards = the range { $start }-{ $end } runs backwards; write { $end }-{ $start }
ports-too-many = the list has { $count } items; at most { $max } are allowed (use a range such as 16500-65000 for many ports)
ports-none = no ports given: add tcp=…, udp=… and/or in=… to the address
ports-in-list = the { $protocol } port list: { $reason }
ports-in-inbound-list = the incoming list (in=…): { $reason }
ports-too-many-inbound = the incoming list (in=…) names { $count } ports; at most { $max } can be checked from outside

## Choosing and running
device = Device or app
start = Start check
checking = Checking…
progress = Progress
progress-running = Checking ports: { $done } of { $total } answered
progress-finished = Finished: { $total } port checks

## Verdict
overall-ready = Ready: this network lets the traffic through
overall-partly = Partly ready: some traffic is blocked
overall-not-ready = Not ready: this network blocks required traffic
overall-relay-needed = Relay needed: direct UDP is blocked, so video and calls must go through a relay server
overall-could-not-tell = Could not tell: some required checks could not run
overall-intercepted = Not ready: something on this network answers in place of the server
finding-partial = { $ports }: only { $reachable } of { $probed } checked ports answer, so it may work at times and fail at others
finding-dropped = { $ports } blocked (no answer)
finding-refused = { $ports } blocked
finding-carrier-nat = { $ports }: cannot reach your network from outside, because your provider shares its public address with other customers
finding-intercepted = { $ports }: something on the network answers in place of the server (a sign-in page, a proxy or a security filter), on { $intercepted } of { $probed } checked ports; the port is not blocked
optional = Optional.
not-checked-here = Not checked here: { $list }. This Doorway server does not offer those ports, so this says nothing about your network.
not-testable-list = Not testable from a browser: { $list }. These are not counted as blocked.
not-testable-in-this-browser = This browser could not test: { $list }. Other browsers can: open this page in Chrome, Firefox or Safari to check these. They are not counted as blocked or as working.
what-to-do = What to do
provider-heading = For your internet provider or IT
copy-table = Copy table
copied = Copied.

## Advice
advice-sign-in-to-portal = Something on this network answers in place of the server. On hotel, café, school or guest Wi-Fi this is usually a sign-in page: open any web page, sign in or accept the terms, then run the check again.
advice-exempt-from-interception = On a company or school network, a proxy or security filter may answer instead. Ask IT to let the device's traffic through unchanged (the table below lists the ports), or use another network, such as mobile data.
advice-open-firewall = Allow the blocked ports in your router's firewall, or make its firewall settings less strict. The table below lists them.
advice-forward-inbound = For incoming connections, the router must forward each port to the device (often called port forwarding or virtual server): check that the forward exists, that it points to the device's current address, and that the device is switched on.
advice-public-address-for-inbound = Your internet provider shares one public address among many customers (carrier-grade NAT), so no port forward on your router can work. Ask the provider for a public IPv4 address, or use IPv6 if the device supports it.
advice-ask-provider = If your router is not the cause, your internet provider may be blocking these ports. Call them, explain the problem and give them the table below.
advice-allow-udp-for-direct-media = Direct UDP is blocked, so video and calls can only go through a relay, which is slower and not offered by every service. Allow outgoing UDP in the router to fix this.
advice-single-nat = Make sure there is only one router doing NAT between the device and the internet: two routers chained behind each other (double NAT) often cause this.
advice-single-nat-unseen = Whether a second router sits in front of yours (double NAT) cannot be seen from a browser, so Doorway could not tell. This device needs a single one: check that your router is connected straight to the internet, not to another router.
advice-disable-sip-alg = Turn off SIP ALG in the router (also called SIP Transformations or SIP Application Layer Gateway): most implementations break calls.
advice-raise-udp-timeout = If the router allows it, raise its UDP timeout to 120 seconds, so phones keep receiving incoming calls.
advice-wpa2-personal = Ring Alarm needs Wi-Fi with WPA2 Personal (TKIP, AES or TKIP + AES); it does not work with WPA2 Enterprise.
advice-closer-to-router = For calls and video: move closer to the router, or connect to its 5 GHz band (or a cable); Wi-Fi far from the router loses and delays packets.
advice-pause-uploads = Pause large uploads during calls (cloud backups, photo and video uploads); if your router has "Smart Queue", "SQM" or "QoS", turn it on: it keeps calls smooth while something uploads.
advice-ask-provider-about-loss = If packets are still lost close to the router, ask your internet provider about packet loss on your line and give them the figures below.
advice-faster-connection = The connection is slower than calls or video need: stop other large transfers, or ask your provider for a faster plan (the upload matters for cameras and doorbells).

## Port by port
ports-heading = Port by port
optional-suffix = (optional)
outcome-open = Open ({ $ms } ms)
outcome-refused = Refused ({ $ms } ms)
outcome-no-answer = No answer in { $seconds } s
outcome-not-served = Not offered by this server
outcome-intercepted = Answered by something else ({ $ms } ms)
untestable-browser = Not testable in a browser
untestable-inbound = Incoming: not testable
untestable-no-webrtc = Not testable: WebRTC is off
untestable-no-candidates = Not testable in this browser: WebRTC sends nothing
untestable-skipped = Not testable in this browser: it skipped the test server
untestable-carrier-nat = Incoming: cannot work behind the provider's shared address
status-checking = Checking…
status-open = Open
status-open-sampled = Open: all { $count } sampled ports
status-partial = { $reachable } of { $probed } open
status-partial-sampled = { $reachable } of { $probed } sampled ports open
status-blocked = Blocked
status-intercepted = Answered by something else
status-not-checked = Not checked
explain-browser = Browsers refuse to use this port for safety, so no web page can test it. The device itself, or a network tool on a computer, can.
explain-inbound = This is traffic coming in from the internet. A web page can only open connections outwards, so it cannot test this; check the router's port-forwarding or firewall settings instead.
explain-no-webrtc = This browser does not allow WebRTC, the only way a page can send UDP. Open this page in another browser (Chrome, Firefox, Safari) to test UDP.
explain-no-candidates = This browser has WebRTC but lets it send nothing (a privacy setting, an extension or a policy), so a page cannot send UDP here. Open this page in another browser (Chrome, Firefox, Safari) to test UDP.
explain-skipped = This browser did not contact the test server for this check (some browsers skip certain servers), so nothing was learnt about your network. Open this page in Chrome to test it.
explain-not-served = This Doorway server does not listen on this port, so it could not be checked. This says nothing about your network.
explain-carrier-nat = Your provider shares one public address among many customers (carrier-grade NAT). Connections from the internet cannot reach your router, so no port forward can work.
knock-button = Check from outside
knock-explain = The server connects to your public address on this port, as the internet would. The device (camera, phone system, computer) must be switched on and listening.
knock-running = Checking from outside…
knock-failed = The check from outside could not run: { $message }
inbound-open = Open from outside ({ $ms } ms): the router forwards this port and a device answers.
inbound-closed = Closed from outside ({ $ms } ms): the router or the device refused. If the router forwards this port, the device it points to is not listening: check the device's address and that it is switched on.
inbound-filtered = No answer from outside: the router has no forward for this port, or a firewall drops it.

## Router (NAT)
router-heading = Your router
nat-chip-endpoint-independent = friendly to direct connections
nat-chip-address-dependent = address-dependent
nat-chip-address-and-port-dependent = symmetric — video will need a relay
nat-chip-same-towards-one-address = consistent towards one server
nat-chip-unknown = could not compare
nat-chip-not-tested-by-browser = not tested in this browser
nat-endpoint-independent = Your router keeps the same public address and port for a device whatever it talks to. Direct (peer-to-peer) connections work well.
nat-address-dependent = Your router gives a new public port for each server address. Direct connections often still work; some need a relay.
nat-address-and-port-dependent = Your router gives a new public port for every destination (“symmetric NAT”). Direct peer-to-peer video will not connect; apps must use a relay server, which may be slower.
nat-same-towards-one-address = Your router kept the same public port towards two ports of one server. This server has no second address to compare, so it cannot tell endpoint-independent from address-dependent mapping.
nat-unknown = One of the test servers did not answer over UDP, so the router's behaviour could not be compared.
nat-not-tested-by-browser = This browser sent no UDP, so the router's behaviour could not be compared. Open this page in Chrome, Firefox or Safari to compare it.
nat-public-address = Public address seen by STUN: { $addresses }
nat-cannot-measure = A browser cannot measure how your router filters incoming packets, whether it lets devices reach your own public address from inside (hairpinning), or whether UPnP/PCP port forwarding is on. Check those in the router's settings if a device still fails.

## Relay and WebSocket
relay-heading = Relay (TURN)
relay-intro = When direct connections fail, video and calls can go through a relay server instead, over UDP, TCP or TLS (which looks like ordinary secure web traffic).
relay-works = Works ({ $ms } ms)
websocket-heading = WebSocket
websocket-works = Works ({ $ms } ms): long-lived connections get through.
websocket-broken = Broken: something on the way (often a proxy or security filter) cuts upgraded connections. Apps that keep a live connection may not work.
websocket-silent = No answer: upgraded connections time out on the way. Apps that keep a live connection (alerts, chat, call set-up) may not get updates.
websocket-intercepted = Answered by something else: a proxy or security filter on the way takes upgraded connections but does not pass them on. Apps that keep a live connection may not work.

## Call quality
quality-heading = Call and video quality
quality-figures-summary = Figures and how they were judged
quality-measuring = Measuring call quality…
quality-good = Calls and video will be good on this network.
quality-may-stutter = Calls and video may stutter on this network: { $reasons }.
quality-will-break = Calls and video will break up on this network: { $reasons }.
quality-past-rtt = the round trip is { $value } ms (good is below { $limit } ms)
quality-past-jitter = the delay varies by { $value } ms (good is below { $limit } ms)
quality-past-loss = { $value } % of packets are lost (good is below { $limit } %)
quality-past-mos = the estimated call score is { $value } of 5 (good is { $limit } or more)
quality-figures = Round trip { $rtt } ms, jitter { $jitter } ms, loss { $loss } %, call score (MOS) { $mos } of 5, measured over UDP port { $port }.
quality-figures-relay = Round trip { $rtt } ms, jitter { $jitter } ms, loss { $loss } %, call score (MOS) { $mos } of 5, measured through the relay (TURN), the way calls go on this network.
quality-nothing-back = None of the { $sent } packets sent over UDP port { $port } came back.
quality-nothing-back-relay = None of the { $sent } packets sent through the relay came back.
quality-judged-by = Judged by { $standard }.
quality-standard-twilio = Twilio's preflight limits (the app is built on Twilio)
quality-standard-generic = Microsoft Teams' network requirements for good (for video 1.5 Mbit/s each way), Daily's bands for breaking up (the vendor publishes no figures)
quality-standard-generic-voice = Microsoft Teams' network requirements for good (for a call about 100 kbit/s each way), Daily's bands for breaking up (the vendor publishes no figures)
quality-past-download = the download is { $value } (good is { $limit } or more)
quality-past-upload = the upload is { $value } (good is { $limit } or more)
quality-past-loaded-rtt = while something uploads, the round trip rises to { $value } ms (good is below { $limit } ms)
quality-speed = Download { $down }, upload { $up }, round trip while uploading { $loaded }.
quality-not-measured-figure = not measured
quality-measuring-speed = Measuring download and upload…
quality-speed-not-measured = Download and upload were not measured: { $reason }
quality-not-measured = Call quality was not measured: { $reason }
quality-no-udp = no UDP port answered, so there is no path a call could use.
quality-browser-cannot = this browser cannot send the UDP a call uses (WebRTC is missing or turned off); open the link in Chrome, Firefox or Safari to measure it.

## Sharing
share-heading = Send this to support
include-ip = Include my public IP address
share = Share result
saving = Saving…
share-failed = Could not share: { $message }.
share-link = Link to this result (kept for 30 days)
share-link-fragment = Link to this result (the result travels in the link itself)
copy-link = Copy link
copied-link = Copied the link.
copy-text = Copy as text
copied-text = Copied the result as text.
download-json = Download JSON
print = Print
copy-refused = This browser does not allow copying here; select the text and copy it by hand.
qr-label = QR code of the link
run-on-phone = Run this check on your phone: scan the code.

## Shared result
shared-loading = Loading the shared result…
shared-failed = This result cannot be shown:
shared-new-check = Run a new check
shared-heading = Shared result
shared-device = Device or app
shared-checked = Checked
shared-browser = Browser
shared-address = Public address
shared-valid-until = Link valid until

## Embedding
embed-full-result = See every detail (opens a new tab)
vendors-title = Put Doorway in your support article
vendors-lede = Choose what the check looks for, see it live, and copy the snippet into your page. Your readers run it on their own network and get the answer in your article.
vendors-what = What to check
vendors-profile = A device or app
vendors-ports = Your own port lists
vendors-ports-hint = Numbers and ranges, separated by commas: 443, 8557, 9998-9999.
vendors-tcp = Outgoing TCP ports
vendors-udp = Outgoing UDP ports
vendors-inbound = Incoming TCP ports (checked from outside)
vendors-look = How it looks
vendors-lang = Language
vendors-lang-reader = The reader's browser decides
vendors-languages = Let readers switch the language
vendors-autorun = Start the check as soon as the article opens
vendors-theme = Accent colour (buttons and links)
vendors-snippet = Snippet for your page
vendors-snippet-detail = Paste this where the check should appear. The frame sizes itself; your page receives the result as a doorway:result message, and the link a reader shares as doorway:shared.
vendors-copy = Copy snippet
vendors-copied = Copied. Paste it into your article.
vendors-demo = See it in a demo support article
vendors-preview = Preview on a phone
vendors-frame-title = Network check

## Report (copy as text) and the provider table
report-title = Doorway check: { $headline }
report-device = Device or app: { $profile }
report-run = Run: { $when } ({ $seconds } s), { $browser }
report-address = Public address: { $address }
report-partial = { $reachable } of { $probed } checked ports open
report-blocked-dropped = blocked (no answer)
report-blocked-refused = blocked (refused)
report-carrier-nat = cannot work: the provider's shared address (carrier-grade NAT)
report-intercepted = answered by something else on { $intercepted } of { $probed } checked ports (intercepted, not blocked)
report-col-ports = Ports
report-col-protocol = Protocol
report-col-traffic = Traffic
report-col-result = Result
provider-quality-stream = Call quality (a voice-like stream)
provider-quality-transfers = Download and upload (HTTP)

## Answer first: the next step after the verdict
next-look-at-the-device = Your network lets { $profile } through. If it still fails, the cause is more likely the device itself: its Wi-Fi signal where it stands, its power or its setup in the app. Send this result to support so they can rule out the network.
next-try-the-steps = Most of what { $profile } needs gets through, but the parts listed above may fail. Try the steps under “What to do”, or send this result to support.
next-follow-the-steps = Follow the steps under “What to do” below, then run this check again. If it still fails, send this result to support or to your internet provider.
next-relay-or-allow-udp = { $profile } can still work through a relay server, if its service offers one, but video may be slower. For direct connections, allow outgoing UDP in your router (see “What to do”).
next-sign-in-first = Open any web page in this browser: if a sign-in page appears, sign in or accept the terms, then run this check again. On a company or school network, send this result to IT.
next-other-browser = This browser could not test everything { $profile } needs. Open this link in Chrome, Firefox or Safari on the same network and run the check again.
next-send-to-support = Part of what { $profile } needs could not be checked here. Send this result to support: they can compare it with what the device reports.
next-check-from-outside = What { $profile } sends out gets through. Its incoming connections are not checked yet: press “Check from outside” below, with the device switched on.
network-hint = Run this on the network the device uses: your home Wi-Fi, not mobile data.
mobile-data-warning = This phone seems to be on mobile data. Join the Wi-Fi the device uses first: on mobile data the check tests the wrong network.
check-again = Check again
details-heading = Details for support
details-hint = Each port, your router's behaviour, the relay and the WebSocket check.
more-ways = Other ways to keep the result
relay-meaning-none = No relay works from here: where direct UDP is blocked too, video and calls have no way through.
relay-meaning-some = At least one way to the relay works, so video and calls can fall back to it when direct connections fail (it may be slower).
share-system = Share…
share-again-same = This is the link to this result; sharing again gives the same link.

## For support: questions and the network
shared-for-support = For support
shared-network = Network
shared-time-utc = { $local } ({ $zone }); { $utc } UTC
network-not-configured = not recorded: this Doorway server has no network database
network-not-found = not in the server's network database
network-unknown-address = not recorded (an older result)
network-kind-residential = home internet (cable, DSL or fibre)
network-kind-mobile-carrier = mobile carrier: the phone was on mobile data
network-kind-corporate = company network
network-kind-satellite = satellite internet
network-kind-unknown = kind of network not known
questions-heading = Questions to ask the customer
ask-same-network = Was the phone or computer on the same Wi-Fi as the device when the check ran (not on mobile data, not on a guest network)?
ask-mobile-data = The check ran on a mobile carrier's network: was the phone on mobile data instead of the home Wi-Fi? If so, ask them to join the Wi-Fi and run it again.
ask-sign-in-page = Is this a hotel, office, school or guest network with a sign-in page, a proxy or a security filter?
ask-router-model = Which router or modem do they have (make and model), and did the internet provider supply it?
ask-security-features = Is a firewall, parental control or “security” feature turned on in the router or in the provider's app?
ask-second-router = Is there a second router, a mesh system or a provider modem in router mode between the device and the internet?
ask-forward-target = Which device address does the router's port forward point to, and is that the device's current address?
ask-sip-alg = Is SIP ALG (SIP helper, SIP transformations) turned off in the router?
ask-other-browser = Can they run the check again in Chrome, Firefox or Safari on the same network?
ask-device-signal = How strong is the device's Wi-Fi signal where it is mounted (the device's app usually shows it)?
ask-when-it-fails = When exactly does it fail: always, at certain times of day, or only for some features?
copy-text-for-support = Copy as text for a ticket

