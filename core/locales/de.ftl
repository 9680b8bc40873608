## Seite
brand = Doorway
title = Lässt dieses Netzwerk Ihr Gerät durch?
lede = Öffnen Sie diese Seite in dem Netzwerk, das Sie prüfen möchten. Sie testet aus Ihrem Browser die Ports, die Ihr Gerät oder Ihre App braucht.
footer = Ein Browser kann ausgehendes TCP und UDP zu diesem Server testen. Eingehenden Datenverkehr und Ports, die Browser verweigern (etwa 53, 123, 554 und 5060), kann er nicht testen; diese werden als nicht testbar markiert, nie als blockiert.
language = Sprache
language-failed = Die Texte auf { $language } konnten nicht geladen werden. Prüfen Sie die Verbindung und wählen Sie die Sprache erneut.
loading = Doorway wird geladen…
loading-profile = Die Prüfung für { $profile } wird geladen…
needs-javascript = Diese Prüfung braucht JavaScript: Sie testet Ihr Netzwerk aus dem Browser heraus. Schalten Sie JavaScript für diese Seite ein oder öffnen Sie den Link in einem anderen Browser.
config-failed = Doorway kann nicht starten: { $message }.
config-failed-hint = Prüfen Sie, ob Sie online sind, und laden Sie die Seite neu.
unknown-profile = Es gibt kein Profil namens „{ $id }“. Wählen Sie unten eines aus oder geben Sie die Ports in der Adresse an, z. B. ?tcp=443,8557&udp=16500-65000.
bad-ports = Die Ports in der Adresse können nicht geprüft werden: { $reason }.

## Portlisten
ports-empty = die Portliste ist leer
ports-empty-item = die Portliste hat einen leeren Eintrag (zwei Kommas hintereinander?)
ports-not-a-number = „{ $item }“ ist keine Portnummer; schreiben Sie Ports wie 443 oder Bereiche wie 9998-9999
ports-zero = Port 0 gibt es nicht; Ports reichen von 1 bis 65535
ports-too-large = { $item } ist größer als 65535, die höchste Portnummer
ports-backwards = der Bereich { $start }-{ $end } ist verkehrt herum; schreiben Sie { $end }-{ $start }
ports-too-many = die Liste hat { $count } Einträge; höchstens { $max } sind erlaubt (für viele Ports einen Bereich wie 16500-65000 verwenden)
ports-none = keine Ports angegeben: fügen Sie tcp=…, udp=… und/oder in=… zur Adresse hinzu
ports-in-list = die { $protocol }-Portliste: { $reason }
ports-in-inbound-list = die Liste eingehender Ports (in=…): { $reason }
ports-too-many-inbound = die Liste eingehender Ports (in=…) nennt { $count } Ports; höchstens { $max } lassen sich von außen prüfen

## Auswahl und Prüfung
device = Gerät oder App
start = Prüfung starten
checking = Wird geprüft…
progress = Fortschritt
progress-running = Ports werden geprüft: { $done } von { $total } beantwortet
progress-finished = Fertig: { $total } Portprüfungen

## Ergebnis
overall-ready = Bereit: Dieses Netzwerk lässt den Datenverkehr durch
overall-partly = Teilweise bereit: Ein Teil des Datenverkehrs wird blockiert
overall-not-ready = Nicht bereit: Dieses Netzwerk blockiert benötigten Datenverkehr
overall-relay-needed = Relay nötig: Direktes UDP ist blockiert, Video und Anrufe müssen über einen Relay-Server laufen
overall-could-not-tell = Nicht feststellbar: Einige benötigte Prüfungen konnten nicht laufen
overall-intercepted = Nicht bereit: Etwas in diesem Netzwerk antwortet anstelle des Servers
finding-partial = { $ports }: Nur { $reachable } von { $probed } geprüften Ports antworten, es kann also manchmal funktionieren und manchmal nicht
finding-dropped = { $ports } blockiert (keine Antwort)
finding-refused = { $ports } blockiert
finding-carrier-nat = { $ports }: Ihr Netzwerk ist von außen nicht erreichbar, weil Ihr Anbieter seine öffentliche Adresse mit anderen Kunden teilt
finding-intercepted = { $ports }: Etwas im Netzwerk antwortet anstelle des Servers (eine Anmeldeseite, ein Proxy oder ein Sicherheitsfilter), bei { $intercepted } von { $probed } geprüften Ports; der Port ist nicht blockiert
optional = Optional.
not-checked-here = Hier nicht geprüft: { $list }. Dieser Doorway-Server bietet diese Ports nicht an; das sagt nichts über Ihr Netzwerk.
not-testable-list = Aus dem Browser nicht testbar: { $list }. Diese zählen nicht als blockiert.
not-testable-in-this-browser = Dieser Browser konnte nicht testen: { $list }. Andere Browser können es: Öffnen Sie die Seite in Chrome, Firefox oder Safari, um diese zu prüfen. Sie zählen weder als blockiert noch als funktionierend.
what-to-do = Was Sie tun können
provider-heading = Für Ihren Internetanbieter oder Ihre IT
copy-table = Tabelle kopieren
copied = Kopiert.

## Ratschläge
advice-sign-in-to-portal = Etwas in diesem Netzwerk antwortet anstelle des Servers. Im WLAN von Hotels, Cafés, Schulen oder in Gäste-WLANs ist das meist eine Anmeldeseite: Öffnen Sie eine beliebige Webseite, melden Sie sich an oder akzeptieren Sie die Bedingungen, und starten Sie die Prüfung dann erneut.
advice-exempt-from-interception = In einem Firmen- oder Schulnetz antwortet womöglich ein Proxy oder Sicherheitsfilter. Bitten Sie die IT, den Datenverkehr des Geräts unverändert durchzulassen (die Tabelle unten listet die Ports auf), oder nutzen Sie ein anderes Netz, etwa mobile Daten.
advice-open-firewall = Geben Sie die blockierten Ports in der Firewall Ihres Routers frei oder lockern Sie die Firewall-Einstellungen. Die Tabelle unten listet sie auf.
advice-forward-inbound = Für eingehende Verbindungen muss der Router jeden Port an das Gerät weiterleiten (Portweiterleitung oder „virtueller Server“): Prüfen Sie, dass die Weiterleitung existiert, auf die aktuelle Adresse des Geräts zeigt und das Gerät eingeschaltet ist.
advice-public-address-for-inbound = Ihr Internetanbieter teilt eine öffentliche Adresse unter vielen Kunden auf (Carrier-Grade-NAT), daher kann keine Portweiterleitung im Router funktionieren. Bitten Sie den Anbieter um eine öffentliche IPv4-Adresse oder nutzen Sie IPv6, wenn das Gerät es unterstützt.
advice-ask-provider = Wenn nicht der Router die Ursache ist, blockiert vielleicht Ihr Internetanbieter diese Ports. Rufen Sie ihn an, schildern Sie das Problem und teilen Sie ihm die Tabelle unten mit.
advice-allow-udp-for-direct-media = Direktes UDP ist blockiert, daher können Video und Anrufe nur über ein Relay laufen, das langsamer ist und nicht von jedem Dienst angeboten wird. Erlauben Sie ausgehendes UDP im Router, um das zu beheben.
advice-single-nat = Sorgen Sie dafür, dass nur ein Router zwischen Gerät und Internet NAT macht: Zwei hintereinander geschaltete Router (doppeltes NAT) sind oft die Ursache.
advice-single-nat-unseen = Ob vor Ihrem Router ein zweiter sitzt (doppeltes NAT), lässt sich im Browser nicht erkennen; Doorway konnte es daher nicht feststellen. Dieses Gerät braucht einen einzigen: Prüfen Sie, dass Ihr Router direkt am Internet hängt und nicht an einem weiteren Router.
advice-disable-sip-alg = Schalten Sie SIP ALG im Router aus (auch SIP Transformations oder SIP Application Layer Gateway genannt): Die meisten Umsetzungen stören Anrufe.
advice-raise-udp-timeout = Wenn der Router es erlaubt, erhöhen Sie sein UDP-Timeout auf 120 Sekunden, damit Telefone weiter eingehende Anrufe erhalten.
advice-wpa2-personal = Ring Alarm braucht WLAN mit WPA2 Personal (TKIP, AES oder TKIP + AES); mit WPA2 Enterprise funktioniert es nicht.
advice-closer-to-router = Für Anrufe und Video: Gehen Sie näher an den Router oder verbinden Sie sich mit seinem 5-GHz-Band (oder per Kabel); WLAN weit vom Router verliert und verzögert Pakete.
advice-pause-uploads = Pausieren Sie große Uploads während Anrufen (Cloud-Backups, Foto- und Video-Uploads); hat Ihr Router „Smart Queue“, „SQM“ oder „QoS“, schalten Sie es ein: Es hält Anrufe flüssig, während etwas hochlädt.
advice-ask-provider-about-loss = Gehen auch nahe am Router Pakete verloren, fragen Sie Ihren Internetanbieter nach Paketverlust auf Ihrer Leitung und geben Sie ihm die Werte unten.
advice-faster-connection = Die Verbindung ist langsamer, als Anrufe oder Video brauchen: Beenden Sie andere große Übertragungen oder fragen Sie Ihren Anbieter nach einem schnelleren Tarif (für Kameras und Türklingeln zählt der Upload).

## Port für Port
ports-heading = Port für Port
optional-suffix = (optional)
outcome-open = Offen ({ $ms } ms)
outcome-refused = Abgewiesen ({ $ms } ms)
outcome-no-answer = Keine Antwort in { $seconds } s
outcome-not-served = Von diesem Server nicht angeboten
outcome-intercepted = Antwort von etwas anderem ({ $ms } ms)
untestable-browser = Im Browser nicht testbar
untestable-inbound = Eingehend: nicht testbar
untestable-no-webrtc = Nicht testbar: WebRTC ist aus
untestable-no-candidates = In diesem Browser nicht testbar: WebRTC sendet nichts
untestable-skipped = In diesem Browser nicht testbar: er hat den Testserver übersprungen
untestable-carrier-nat = Eingehend: funktioniert nicht hinter der geteilten Adresse des Anbieters
status-checking = Wird geprüft…
status-open = Offen
status-open-sampled = Offen: alle { $count } Stichproben-Ports
status-partial = { $reachable } von { $probed } offen
status-partial-sampled = { $reachable } von { $probed } Stichproben-Ports offen
status-blocked = Blockiert
status-intercepted = Antwort von etwas anderem
status-not-checked = Nicht geprüft
explain-browser = Browser verweigern diesen Port aus Sicherheitsgründen, daher kann ihn keine Webseite testen. Das Gerät selbst oder ein Netzwerkwerkzeug auf einem Computer kann es.
explain-inbound = Das ist Datenverkehr, der aus dem Internet hereinkommt. Eine Webseite kann nur Verbindungen nach außen öffnen und dies daher nicht testen; prüfen Sie stattdessen die Portweiterleitung oder Firewall des Routers.
explain-no-webrtc = Dieser Browser erlaubt kein WebRTC, den einzigen Weg, auf dem eine Seite UDP senden kann. Öffnen Sie die Seite in einem anderen Browser (Chrome, Firefox, Safari), um UDP zu testen.
explain-no-candidates = Dieser Browser hat WebRTC, lässt es aber nichts senden (eine Datenschutzeinstellung, eine Erweiterung oder eine Richtlinie), daher kann eine Seite hier kein UDP senden. Öffnen Sie die Seite in einem anderen Browser (Chrome, Firefox, Safari), um UDP zu testen.
explain-skipped = Dieser Browser hat den Testserver für diese Prüfung nicht kontaktiert (manche Browser überspringen bestimmte Server), daher ist über Ihr Netzwerk nichts bekannt. Öffnen Sie die Seite in Chrome, um es zu testen.
explain-not-served = Dieser Doorway-Server lauscht nicht auf diesem Port, daher konnte er nicht geprüft werden. Das sagt nichts über Ihr Netzwerk.
explain-carrier-nat = Ihr Anbieter teilt eine öffentliche Adresse unter vielen Kunden auf (Carrier-Grade-NAT). Verbindungen aus dem Internet erreichen Ihren Router nicht, daher kann keine Portweiterleitung funktionieren.
knock-button = Von außen prüfen
knock-explain = Der Server verbindet sich auf diesem Port mit Ihrer öffentlichen Adresse, wie es das Internet täte. Das Gerät (Kamera, Telefonanlage, Computer) muss eingeschaltet sein und lauschen.
knock-running = Prüfung von außen läuft…
knock-failed = Die Prüfung von außen konnte nicht laufen: { $message }
inbound-open = Von außen offen ({ $ms } ms): Der Router leitet diesen Port weiter und ein Gerät antwortet.
inbound-closed = Von außen geschlossen ({ $ms } ms): Der Router oder das Gerät hat abgewiesen. Wenn der Router diesen Port weiterleitet, lauscht das Zielgerät nicht: Prüfen Sie die Adresse des Geräts und ob es eingeschaltet ist.
inbound-filtered = Keine Antwort von außen: Der Router leitet diesen Port nicht weiter, oder eine Firewall verwirft ihn.

## Router (NAT)
router-heading = Ihr Router
nat-chip-endpoint-independent = gut für direkte Verbindungen
nat-chip-address-dependent = adressabhängig
nat-chip-address-and-port-dependent = symmetrisch – Video braucht ein Relay
nat-chip-same-towards-one-address = gleichbleibend zu einem Server
nat-chip-unknown = kein Vergleich möglich
nat-chip-not-tested-by-browser = in diesem Browser nicht getestet
nat-endpoint-independent = Ihr Router behält für ein Gerät dieselbe öffentliche Adresse und denselben Port, egal mit wem es spricht. Direkte (Peer-to-Peer-)Verbindungen funktionieren gut.
nat-address-dependent = Ihr Router vergibt für jede Serveradresse einen neuen öffentlichen Port. Direkte Verbindungen funktionieren oft noch; manche brauchen ein Relay.
nat-address-and-port-dependent = Ihr Router vergibt für jedes Ziel einen neuen öffentlichen Port („symmetrisches NAT“). Direktes Peer-to-Peer-Video kommt nicht zustande; Apps müssen einen Relay-Server nutzen, was langsamer sein kann.
nat-same-towards-one-address = Ihr Router behielt denselben öffentlichen Port zu zwei Ports eines Servers. Dieser Server hat keine zweite Adresse zum Vergleich und kann daher endpunktunabhängiges nicht von adressabhängigem Verhalten unterscheiden.
nat-unknown = Einer der Testserver hat über UDP nicht geantwortet, daher ließ sich das Verhalten des Routers nicht vergleichen.
nat-not-tested-by-browser = Dieser Browser hat kein UDP gesendet, daher ließ sich das Verhalten des Routers nicht vergleichen. Öffnen Sie die Seite in Chrome, Firefox oder Safari, um es zu vergleichen.
nat-public-address = Öffentliche Adresse laut STUN: { $addresses }
nat-cannot-measure = Ein Browser kann nicht messen, wie Ihr Router eingehende Pakete filtert, ob Geräte von innen Ihre eigene öffentliche Adresse erreichen (Hairpinning) oder ob UPnP/PCP-Portweiterleitung an ist. Prüfen Sie das in den Router-Einstellungen, wenn ein Gerät weiter Probleme hat.

## Relay und WebSocket
relay-heading = Relay (TURN)
relay-intro = Wenn direkte Verbindungen scheitern, können Video und Anrufe stattdessen über einen Relay-Server laufen, per UDP, TCP oder TLS (das wie gewöhnlicher verschlüsselter Webverkehr aussieht).
relay-works = Funktioniert ({ $ms } ms)
websocket-heading = WebSocket
websocket-works = Funktioniert ({ $ms } ms): Dauerverbindungen kommen durch.
websocket-broken = Gestört: Etwas auf dem Weg (oft ein Proxy oder Sicherheitsfilter) trennt umgewandelte Verbindungen. Apps mit Dauerverbindung funktionieren dann eventuell nicht.
websocket-silent = Keine Antwort: Umgewandelte Verbindungen laufen unterwegs ins Leere. Apps, die eine Verbindung offen halten (Benachrichtigungen, Chat, Anrufaufbau), erhalten dann womöglich keine Neuigkeiten.
websocket-intercepted = Antwort von etwas anderem: Ein Proxy oder Sicherheitsfilter unterwegs nimmt umgewandelte Verbindungen an, leitet sie aber nicht weiter. Apps mit dauerhafter Verbindung funktionieren womöglich nicht.

## Anrufqualität
quality-heading = Qualität von Anrufen und Video
quality-figures-summary = Messwerte und wie sie bewertet wurden
quality-measuring = Anrufqualität wird gemessen…
quality-good = Anrufe und Video werden in diesem Netz gut laufen.
quality-may-stutter = Anrufe und Video können in diesem Netz stocken: { $reasons }.
quality-will-break = Anrufe und Video werden in diesem Netz abbrechen: { $reasons }.
quality-past-rtt = die Umlaufzeit beträgt { $value } ms (gut ist unter { $limit } ms)
quality-past-jitter = die Verzögerung schwankt um { $value } ms (gut ist unter { $limit } ms)
quality-past-loss = { $value } % der Pakete gehen verloren (gut ist unter { $limit } %)
quality-past-mos = die geschätzte Anrufnote ist { $value } von 5 (gut ist { $limit } oder mehr)
quality-figures = Umlaufzeit { $rtt } ms, Jitter { $jitter } ms, Verlust { $loss } %, Anrufnote (MOS) { $mos } von 5, gemessen über UDP-Port { $port }.
quality-figures-relay = Umlaufzeit { $rtt } ms, Jitter { $jitter } ms, Verlust { $loss } %, Anrufnote (MOS) { $mos } von 5, gemessen über das Relay (TURN), den Weg, den Anrufe in diesem Netz nehmen.
quality-nothing-back = Keines der { $sent } über UDP-Port { $port } gesendeten Pakete kam zurück.
quality-nothing-back-relay = Keines der { $sent } über das Relay gesendeten Pakete kam zurück.
quality-judged-by = Bewertet nach { $standard }.
quality-standard-twilio = den Preflight-Grenzwerten von Twilio (die App baut auf Twilio auf)
quality-standard-generic = den Netzwerkanforderungen von Microsoft Teams für „gut“ (für Video 1,5 Mbit/s in jede Richtung) und den Stufen von Daily für Abbrüche (der Hersteller nennt keine Werte)
quality-standard-generic-voice = den Netzwerkanforderungen von Microsoft Teams für „gut“ (für einen Anruf etwa 100 kbit/s in jede Richtung) und den Stufen von Daily für Abbrüche (der Hersteller nennt keine Werte)
quality-past-download = der Download beträgt { $value } (gut ist ab { $limit })
quality-past-upload = der Upload beträgt { $value } (gut ist ab { $limit })
quality-past-loaded-rtt = während etwas hochlädt, steigt die Umlaufzeit auf { $value } ms (gut ist unter { $limit } ms)
quality-speed = Download { $down }, Upload { $up }, Umlaufzeit während des Uploads { $loaded }.
quality-not-measured-figure = nicht gemessen
quality-measuring-speed = Download und Upload werden gemessen…
quality-speed-not-measured = Download und Upload wurden nicht gemessen: { $reason }
quality-not-measured = Die Anrufqualität wurde nicht gemessen: { $reason }
quality-no-udp = kein UDP-Port hat geantwortet, es gibt also keinen Weg, den ein Anruf nutzen könnte.
quality-browser-cannot = dieser Browser kann das UDP eines Anrufs nicht senden (WebRTC fehlt oder ist ausgeschaltet); öffnen Sie den Link in Chrome, Firefox oder Safari, um sie zu messen.

## Teilen
share-heading = An den Support senden
include-ip = Meine öffentliche IP-Adresse mitsenden
share = Ergebnis teilen
saving = Wird gespeichert…
share-failed = Teilen nicht möglich: { $message }.
share-link = Link zu diesem Ergebnis (30 Tage gültig)
share-link-fragment = Link zu diesem Ergebnis (das Ergebnis steckt im Link selbst)
copy-link = Link kopieren
copied-link = Link kopiert.
copy-text = Als Text kopieren
copied-text = Ergebnis als Text kopiert.
download-json = JSON herunterladen
print = Drucken
copy-refused = Dieser Browser erlaubt hier kein Kopieren; markieren Sie den Text und kopieren Sie ihn von Hand.
qr-label = QR-Code des Links
run-on-phone = Diese Prüfung auf dem Handy ausführen: Code scannen.

## Geteiltes Ergebnis
shared-loading = Das geteilte Ergebnis wird geladen…
shared-failed = Dieses Ergebnis kann nicht angezeigt werden:
shared-new-check = Neue Prüfung starten
shared-heading = Geteiltes Ergebnis
shared-device = Gerät oder App
shared-checked = Geprüft
shared-browser = Browser
shared-address = Öffentliche Adresse
shared-valid-until = Link gültig bis

## Einbetten
embed-full-result = Alle Einzelheiten ansehen (öffnet einen neuen Tab)
vendors-title = Doorway in Ihren Support-Artikel einbauen
vendors-lede = Wählen Sie, was die Prüfung untersucht, sehen Sie sie sich live an und kopieren Sie den Code in Ihre Seite. Ihre Leser prüfen damit ihr eigenes Netzwerk und bekommen die Antwort direkt im Artikel.
vendors-what = Was geprüft wird
vendors-profile = Ein Gerät oder eine App
vendors-ports = Eigene Port-Listen
vendors-ports-hint = Zahlen und Bereiche, durch Kommas getrennt: 443, 8557, 9998-9999.
vendors-tcp = Ausgehende TCP-Ports
vendors-udp = Ausgehende UDP-Ports
vendors-inbound = Eingehende TCP-Ports (von außen geprüft)
vendors-look = Darstellung
vendors-lang = Sprache
vendors-lang-reader = Der Browser des Lesers entscheidet
vendors-languages = Leser dürfen die Sprache wechseln
vendors-autorun = Die Prüfung startet, sobald der Artikel geöffnet wird
vendors-theme = Akzentfarbe (Schaltflächen und Links)
vendors-snippet = Code für Ihre Seite
vendors-snippet-detail = Fügen Sie dies dort ein, wo die Prüfung erscheinen soll. Der Rahmen passt seine Höhe selbst an; Ihre Seite erhält das Ergebnis als doorway:result-Nachricht und den Link, den ein Leser teilt, als doorway:shared.
vendors-copy = Code kopieren
vendors-copied = Kopiert. Fügen Sie ihn in Ihren Artikel ein.
vendors-demo = In einem Beispiel-Support-Artikel ansehen
vendors-preview = Vorschau auf einem Handy
vendors-frame-title = Netzwerkprüfung

## Bericht (als Text kopieren) und Tabelle für den Anbieter
report-title = Doorway-Prüfung: { $headline }
report-device = Gerät oder App: { $profile }
report-run = Durchgeführt: { $when } ({ $seconds } s), { $browser }
report-address = Öffentliche Adresse: { $address }
report-partial = { $reachable } von { $probed } geprüften Ports offen
report-blocked-dropped = blockiert (keine Antwort)
report-blocked-refused = blockiert (abgewiesen)
report-carrier-nat = nicht möglich: geteilte Adresse des Anbieters (Carrier-Grade-NAT)
report-intercepted = bei { $intercepted } von { $probed } geprüften Ports antwortet etwas anderes (abgefangen, nicht blockiert)
report-col-ports = Ports
report-col-protocol = Protokoll
report-col-traffic = Datenverkehr
report-col-result = Ergebnis
provider-quality-stream = Anrufqualität (ein sprachähnlicher Datenstrom)
provider-quality-transfers = Download und Upload (HTTP)

## Antwort zuerst: der nächste Schritt nach dem Ergebnis
next-look-at-the-device = Ihr Netzwerk lässt { $profile } durch. Wenn es trotzdem nicht funktioniert, liegt es eher am Gerät selbst: an seinem WLAN-Empfang am Aufstellort, an der Stromversorgung oder an der Einrichtung in der App. Senden Sie dieses Ergebnis an den Support, damit er das Netzwerk ausschließen kann.
next-try-the-steps = Das meiste, was { $profile } braucht, kommt durch, aber die oben genannten Teile können ausfallen. Probieren Sie die Schritte unter „Was Sie tun können“ oder senden Sie dieses Ergebnis an den Support.
next-follow-the-steps = Folgen Sie den Schritten unter „Was Sie tun können“ weiter unten und starten Sie die Prüfung dann erneut. Klappt es immer noch nicht, senden Sie dieses Ergebnis an den Support oder Ihren Internetanbieter.
next-relay-or-allow-udp = { $profile } kann über einen Relay-Server trotzdem funktionieren, wenn der Dienst einen anbietet, aber Video kann langsamer sein. Für direkte Verbindungen erlauben Sie ausgehendes UDP in Ihrem Router (siehe „Was Sie tun können“).
next-sign-in-first = Öffnen Sie in diesem Browser eine beliebige Webseite: Erscheint eine Anmeldeseite, melden Sie sich an oder akzeptieren Sie die Bedingungen und starten Sie die Prüfung dann erneut. In einem Firmen- oder Schulnetz senden Sie dieses Ergebnis an die IT.
next-other-browser = Dieser Browser konnte nicht alles prüfen, was { $profile } braucht. Öffnen Sie diesen Link in Chrome, Firefox oder Safari im selben Netzwerk und starten Sie die Prüfung erneut.
next-send-to-support = Einen Teil dessen, was { $profile } braucht, konnte diese Prüfung nicht testen. Senden Sie dieses Ergebnis an den Support: Er kann es mit dem vergleichen, was das Gerät meldet.
next-check-from-outside = Was { $profile } nach außen sendet, kommt durch. Eingehende Verbindungen sind noch nicht geprüft: Tippen Sie unten auf „Von außen prüfen“, während das Gerät eingeschaltet ist.
network-hint = Prüfen Sie in dem Netzwerk, das das Gerät nutzt: Ihrem WLAN zu Hause, nicht mit mobilen Daten.
mobile-data-warning = Dieses Telefon scheint mobile Daten zu nutzen. Verbinden Sie sich zuerst mit dem WLAN des Geräts: Mit mobilen Daten prüft die Seite das falsche Netzwerk.
check-again = Erneut prüfen
details-heading = Details für den Support
details-hint = Jeder Port, das Verhalten Ihres Routers, das Relay und die WebSocket-Prüfung.
more-ways = Weitere Möglichkeiten, das Ergebnis aufzubewahren
relay-meaning-none = Von hier aus funktioniert kein Relay: Ist auch direktes UDP blockiert, kommen Video und Anrufe nicht durch.
relay-meaning-some = Mindestens ein Weg zum Relay funktioniert, sodass Video und Anrufe darauf ausweichen können, wenn direkte Verbindungen scheitern (das kann langsamer sein).
share-system = Teilen…
share-again-same = Dies ist der Link zu diesem Ergebnis; erneutes Teilen ergibt denselben Link.

## Für den Support: Fragen und das Netzwerk
shared-for-support = Für den Support
shared-network = Netzwerk
shared-time-utc = { $local } ({ $zone }); { $utc } UTC
network-not-configured = nicht erfasst: Dieser Doorway-Server hat keine Netzwerkdatenbank
network-not-found = nicht in der Netzwerkdatenbank des Servers
network-unknown-address = nicht erfasst (ein älteres Ergebnis)
network-kind-residential = Internetanschluss zu Hause (Kabel, DSL oder Glasfaser)
network-kind-mobile-carrier = Mobilfunkanbieter: Das Telefon nutzte mobile Daten
network-kind-corporate = Firmennetz
network-kind-satellite = Satelliteninternet
network-kind-unknown = Art des Netzwerks unbekannt
questions-heading = Fragen an den Kunden
ask-same-network = War das Telefon oder der Computer während der Prüfung im selben WLAN wie das Gerät (nicht mit mobilen Daten, nicht im Gästenetz)?
ask-mobile-data = Die Prüfung lief im Netz eines Mobilfunkanbieters: Nutzte das Telefon mobile Daten statt des WLANs zu Hause? Dann bitten Sie, sich mit dem WLAN zu verbinden und erneut zu prüfen.
ask-sign-in-page = Ist das ein Hotel-, Büro-, Schul- oder Gästenetz mit Anmeldeseite, Proxy oder Sicherheitsfilter?
ask-router-model = Welchen Router oder welches Modem hat der Kunde (Hersteller und Modell), und stammt es vom Internetanbieter?
ask-security-features = Ist im Router oder in der App des Anbieters eine Firewall, Kindersicherung oder „Sicherheits“-Funktion eingeschaltet?
ask-second-router = Gibt es einen zweiten Router, ein Mesh-System oder ein Modem des Anbieters im Router-Modus zwischen Gerät und Internet?
ask-forward-target = Auf welche Geräteadresse zeigt die Portweiterleitung im Router, und ist das die aktuelle Adresse des Geräts?
ask-sip-alg = Ist SIP ALG (SIP-Helfer, SIP-Transformation) im Router ausgeschaltet?
ask-other-browser = Kann der Kunde die Prüfung in Chrome, Firefox oder Safari im selben Netzwerk wiederholen?
ask-device-signal = Wie stark ist der WLAN-Empfang des Geräts an seinem Montageort (die App des Geräts zeigt ihn meist an)?
ask-when-it-fails = Wann genau tritt der Fehler auf: immer, zu bestimmten Tageszeiten oder nur bei manchen Funktionen?
copy-text-for-support = Als Text für ein Ticket kopieren

