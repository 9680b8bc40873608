## Pagina
brand = Doorway
title = Questa rete lascia passare il tuo dispositivo?
lede = Apri questa pagina sulla rete che vuoi verificare. Dal tuo browser prova le porte di cui il dispositivo o l'app ha bisogno.
footer = Un browser può provare il traffico TCP e UDP in uscita verso questo server. Non può provare il traffico in entrata né le porte che i browser rifiutano (come 53, 123, 554 e 5060); queste sono indicate come non verificabili, mai come bloccate.
language = Lingua
language-failed = Non è stato possibile caricare i testi in { $language }. Controlla la connessione e scegli di nuovo la lingua.
loading = Caricamento di Doorway…
loading-profile = Caricamento della verifica per { $profile }…
needs-javascript = Questa verifica richiede JavaScript: prova la rete dall'interno del browser. Attiva JavaScript per questo sito o apri il link in un altro browser.
config-failed = Doorway non può avviarsi: { $message }.
config-failed-hint = Controlla di essere online, poi ricarica la pagina.
unknown-profile = Non esiste un profilo chiamato “{ $id }”. Scegline uno qui sotto, oppure indica le porte nell'indirizzo, ad es. ?tcp=443,8557&udp=16500-65000.
bad-ports = Le porte nell'indirizzo non possono essere verificate: { $reason }.

## Elenchi di porte
ports-empty = l'elenco delle porte è vuoto
ports-empty-item = l'elenco delle porte ha una voce vuota (due virgole di seguito?)
ports-not-a-number = “{ $item }” non è un numero di porta; scrivi porte come 443 o intervalli come 9998-9999
ports-zero = la porta 0 non esiste; le porte vanno da 1 a 65535
ports-too-large = { $item } supera 65535, il numero di porta più alto
ports-backwards = l'intervallo { $start }-{ $end } è al contrario; scrivi { $end }-{ $start }
ports-too-many = l'elenco ha { $count } voci; al massimo { $max } sono ammesse (per molte porte usa un intervallo come 16500-65000)
ports-none = nessuna porta indicata: aggiungi tcp=…, udp=… e/o in=… all'indirizzo
ports-in-list = l'elenco delle porte { $protocol }: { $reason }
ports-in-inbound-list = l'elenco delle porte in entrata (in=…): { $reason }
ports-too-many-inbound = l'elenco delle porte in entrata (in=…) contiene { $count } porte; se ne possono verificare dall'esterno al massimo { $max }

## Scelta e verifica
device = Dispositivo o app
start = Avvia la verifica
checking = Verifica in corso…
progress = Avanzamento
progress-running = Verifica delle porte: { $done } di { $total } con risposta
progress-finished = Completato: { $total } porte verificate

## Esito
overall-ready = Pronta: questa rete lascia passare il traffico
overall-partly = Pronta in parte: una parte del traffico è bloccata
overall-not-ready = Non pronta: questa rete blocca traffico necessario
overall-relay-needed = Serve un relay: l'UDP diretto è bloccato, quindi video e chiamate devono passare da un server relay
overall-could-not-tell = Impossibile dirlo: alcune verifiche necessarie non sono state eseguite
overall-intercepted = Non pronta: qualcosa in questa rete risponde al posto del server
finding-partial = { $ports }: rispondono solo { $reachable } delle { $probed } porte verificate, quindi a volte può funzionare e a volte no
finding-dropped = { $ports } bloccate (nessuna risposta)
finding-refused = { $ports } bloccate
finding-carrier-nat = { $ports }: la tua rete non è raggiungibile dall'esterno, perché il tuo operatore condivide il suo indirizzo pubblico con altri clienti
finding-intercepted = { $ports }: qualcosa nella rete risponde al posto del server (una pagina di accesso, un proxy o un filtro di sicurezza), su { $intercepted } di { $probed } porte verificate; la porta non è bloccata
optional = Facoltativo.
not-checked-here = Non verificato qui: { $list }. Questo server Doorway non offre queste porte, quindi non dice nulla sulla tua rete.
not-testable-list = Non verificabile da un browser: { $list }. Non sono considerate bloccate.
not-testable-in-this-browser = Questo browser non ha potuto verificare: { $list }. Altri browser possono: apri questa pagina in Chrome, Firefox o Safari per verificarle. Non sono considerate né bloccate né funzionanti.
what-to-do = Cosa fare
provider-heading = Per il tuo provider Internet o l'IT
copy-table = Copia la tabella
copied = Copiato.

## Consigli
advice-sign-in-to-portal = Qualcosa in questa rete risponde al posto del server. Nel Wi-Fi di hotel, bar, scuole o per ospiti di solito è una pagina di accesso: apri una pagina web qualsiasi, accedi o accetta le condizioni, poi ripeti la verifica.
advice-exempt-from-interception = In una rete aziendale o scolastica può rispondere un proxy o un filtro di sicurezza. Chiedi all'IT di lasciar passare invariato il traffico del dispositivo (la tabella qui sotto elenca le porte), oppure usa un'altra rete, come i dati mobili.
advice-open-firewall = Consenti le porte bloccate nel firewall del router, oppure rendi meno rigide le sue impostazioni. La tabella qui sotto le elenca.
advice-forward-inbound = Per le connessioni in entrata il router deve inoltrare ogni porta al dispositivo (port forwarding o «virtual server»): controlla che l'inoltro esista, che punti all'indirizzo attuale del dispositivo e che il dispositivo sia acceso.
advice-public-address-for-inbound = Il tuo operatore condivide un indirizzo pubblico tra molti clienti (NAT di livello carrier), quindi nessun inoltro di porte sul router può funzionare. Chiedi all'operatore un indirizzo IPv4 pubblico, oppure usa IPv6 se il dispositivo lo supporta.
advice-ask-provider = Se il router non è la causa, il provider Internet potrebbe bloccare queste porte. Contattalo, spiega il problema e comunicagli la tabella qui sotto.
advice-allow-udp-for-direct-media = L'UDP diretto è bloccato, quindi video e chiamate possono passare solo da un relay, più lento e non offerto da tutti i servizi. Consenti l'UDP in uscita nel router per risolvere.
advice-single-nat = Assicurati che un solo router faccia NAT tra il dispositivo e Internet: due router collegati in serie (doppio NAT) ne sono spesso la causa.
advice-single-nat-unseen = Se davanti al tuo router ce n'è un secondo (doppio NAT) non si vede da un browser, quindi Doorway non ha potuto stabilirlo. Questo dispositivo ne vuole uno solo: controlla che il tuo router sia collegato direttamente a Internet e non a un altro router.
advice-disable-sip-alg = Disattiva il SIP ALG nel router (chiamato anche SIP Transformations o SIP Application Layer Gateway): la maggior parte delle implementazioni disturba le chiamate.
advice-raise-udp-timeout = Se il router lo consente, porta il suo timeout UDP a 120 secondi, così i telefoni continuano a ricevere le chiamate in arrivo.
advice-wpa2-personal = Ring Alarm richiede una rete Wi-Fi con WPA2 Personal (TKIP, AES o TKIP + AES); non funziona con WPA2 Enterprise.
advice-closer-to-router = Per chiamate e video: avvicinati al router o collegati alla sua banda a 5 GHz (o con un cavo); il Wi-Fi lontano dal router perde e ritarda i pacchetti.
advice-pause-uploads = Metti in pausa i caricamenti pesanti durante le chiamate (backup nel cloud, caricamento di foto e video); se il router ha “Smart Queue”, “SQM” o “QoS”, attivalo: mantiene fluide le chiamate mentre qualcosa carica.
advice-ask-provider-about-loss = Se i pacchetti si perdono anche vicino al router, chiedi al tuo provider Internet della perdita di pacchetti sulla linea e comunicagli i valori qui sotto.
advice-faster-connection = La connessione è più lenta di quanto servono chiamate o video: interrompi altri trasferimenti pesanti o chiedi al provider un'offerta più veloce (per telecamere e campanelli conta il caricamento).

## Porta per porta
ports-heading = Porta per porta
optional-suffix = (facoltativo)
outcome-open = Aperta ({ $ms } ms)
outcome-refused = Rifiutata ({ $ms } ms)
outcome-no-answer = Nessuna risposta in { $seconds } s
outcome-not-served = Non offerta da questo server
outcome-intercepted = Ha risposto qualcos'altro ({ $ms } ms)
untestable-browser = Non verificabile in un browser
untestable-inbound = In entrata: non verificabile
untestable-no-webrtc = Non verificabile: WebRTC è disattivato
untestable-no-candidates = Non verificabile in questo browser: WebRTC non invia nulla
untestable-skipped = Non verificabile in questo browser: ha saltato il server di prova
untestable-carrier-nat = In entrata: non può funzionare dietro l'indirizzo condiviso dell'operatore
status-checking = Verifica in corso…
status-open = Aperta
status-open-sampled = Aperte: tutte le { $count } porte campione
status-partial = { $reachable } di { $probed } aperte
status-partial-sampled = { $reachable } di { $probed } porte campione aperte
status-blocked = Bloccata
status-intercepted = Ha risposto qualcos'altro
status-not-checked = Non verificata
explain-browser = I browser rifiutano questa porta per sicurezza, quindi nessuna pagina web può verificarla. Può farlo il dispositivo stesso o uno strumento di rete su un computer.
explain-inbound = È traffico in arrivo da Internet. Una pagina web può aprire solo connessioni verso l'esterno, quindi non può verificarlo; controlla invece il port forwarding o il firewall del router.
explain-no-webrtc = Questo browser non consente WebRTC, l'unico modo in cui una pagina può inviare UDP. Apri la pagina in un altro browser (Chrome, Firefox, Safari) per verificare l'UDP.
explain-no-candidates = Questo browser ha WebRTC ma non gli lascia inviare nulla (un'impostazione della privacy, un'estensione o un criterio), quindi una pagina non può inviare UDP qui. Apri la pagina in un altro browser (Chrome, Firefox, Safari) per verificare l'UDP.
explain-skipped = Questo browser non ha contattato il server di prova per questa verifica (alcuni browser saltano certi server), quindi non si è appreso nulla sulla tua rete. Apri la pagina in Chrome per verificarla.
explain-not-served = Questo server Doorway non è in ascolto su questa porta, quindi non è stato possibile verificarla. Non dice nulla sulla tua rete.
explain-carrier-nat = Il tuo operatore condivide un indirizzo pubblico tra molti clienti (NAT di livello carrier). Le connessioni da internet non raggiungono il tuo router, quindi nessun inoltro di porte può funzionare.
knock-button = Verifica dall'esterno
knock-explain = Il server si collega al tuo indirizzo pubblico su questa porta, come farebbe internet. Il dispositivo (telecamera, centralino, computer) deve essere acceso e in ascolto.
knock-running = Verifica dall'esterno in corso…
knock-failed = La verifica dall'esterno non è stata eseguita: { $message }
inbound-open = Aperta dall'esterno ({ $ms } ms): il router inoltra questa porta e un dispositivo risponde.
inbound-closed = Chiusa dall'esterno ({ $ms } ms): il router o il dispositivo ha rifiutato. Se il router inoltra questa porta, il dispositivo di destinazione non è in ascolto: controlla il suo indirizzo e che sia acceso.
inbound-filtered = Nessuna risposta dall'esterno: il router non inoltra questa porta, oppure un firewall la scarta.

## Router (NAT)
router-heading = Il tuo router
nat-chip-endpoint-independent = adatto alle connessioni dirette
nat-chip-address-dependent = dipendente dall'indirizzo
nat-chip-address-and-port-dependent = simmetrico – il video richiederà un relay
nat-chip-same-towards-one-address = coerente verso un server
nat-chip-unknown = confronto impossibile
nat-chip-not-tested-by-browser = non verificato in questo browser
nat-endpoint-independent = Il router mantiene lo stesso indirizzo e la stessa porta pubblici per un dispositivo, con chiunque comunichi. Le connessioni dirette (peer-to-peer) funzionano bene.
nat-address-dependent = Il router assegna una nuova porta pubblica per ogni indirizzo di server. Le connessioni dirette spesso funzionano ancora; alcune richiedono un relay.
nat-address-and-port-dependent = Il router assegna una nuova porta pubblica per ogni destinazione (“NAT simmetrico”). Il video peer-to-peer diretto non si collega; le app devono usare un server relay, che può essere più lento.
nat-same-towards-one-address = Il router ha mantenuto la stessa porta pubblica verso due porte di un server. Questo server non ha un secondo indirizzo per il confronto, quindi non distingue il comportamento indipendente dall'endpoint da quello dipendente dall'indirizzo.
nat-unknown = Uno dei server di prova non ha risposto via UDP, quindi non è stato possibile confrontare il comportamento del router.
nat-not-tested-by-browser = Questo browser non ha inviato UDP, quindi non è stato possibile confrontare il comportamento del router. Apri la pagina in Chrome, Firefox o Safari per confrontarlo.
nat-public-address = Indirizzo pubblico visto da STUN: { $addresses }
nat-cannot-measure = Un browser non può misurare come il router filtra i pacchetti in entrata, se i dispositivi raggiungono dall'interno il tuo indirizzo pubblico (hairpinning) o se il port forwarding UPnP/PCP è attivo. Controllali nelle impostazioni del router se un dispositivo continua a non funzionare.

## Relay e WebSocket
relay-heading = Relay (TURN)
relay-intro = Quando le connessioni dirette non riescono, video e chiamate possono passare da un server relay, via UDP, TCP o TLS (che appare come normale traffico web sicuro).
relay-works = Funziona ({ $ms } ms)
websocket-heading = WebSocket
websocket-works = Funziona ({ $ms } ms): le connessioni durature passano.
websocket-broken = Interrotto: qualcosa lungo il percorso (spesso un proxy o un filtro di sicurezza) interrompe le connessioni aggiornate. Le app con una connessione sempre attiva potrebbero non funzionare.
websocket-silent = Nessuna risposta: le connessioni aggiornate scadono lungo il percorso. Le app che tengono una connessione aperta (avvisi, chat, avvio delle chiamate) potrebbero non ricevere aggiornamenti.
websocket-intercepted = Ha risposto qualcos'altro: un proxy o un filtro di sicurezza lungo il percorso accetta le connessioni aggiornate ma non le inoltra. Le app che tengono una connessione aperta potrebbero non funzionare.

## Qualità delle chiamate
quality-heading = Qualità di chiamate e video
quality-figures-summary = Valori e come sono stati valutati
quality-measuring = Misura della qualità delle chiamate…
quality-good = Chiamate e video funzioneranno bene su questa rete.
quality-may-stutter = Chiamate e video potrebbero scattare su questa rete: { $reasons }.
quality-will-break = Chiamate e video si interromperanno su questa rete: { $reasons }.
quality-past-rtt = il tempo di andata e ritorno è { $value } ms (buono è sotto { $limit } ms)
quality-past-jitter = il ritardo varia di { $value } ms (buono è sotto { $limit } ms)
quality-past-loss = si perde il { $value } % dei pacchetti (buono è sotto { $limit } %)
quality-past-mos = il punteggio stimato della chiamata è { $value } su 5 (buono è { $limit } o più)
quality-figures = Andata e ritorno { $rtt } ms, jitter { $jitter } ms, perdita { $loss } %, punteggio chiamata (MOS) { $mos } su 5, misurati sulla porta UDP { $port }.
quality-figures-relay = Andata e ritorno { $rtt } ms, jitter { $jitter } ms, perdita { $loss } %, punteggio chiamata (MOS) { $mos } su 5, misurati attraverso il relay (TURN), la via che le chiamate prendono su questa rete.
quality-nothing-back = Nessuno dei { $sent } pacchetti inviati sulla porta UDP { $port } è tornato.
quality-nothing-back-relay = Nessuno dei { $sent } pacchetti inviati attraverso il relay è tornato.
quality-judged-by = Valutato secondo { $standard }.
quality-standard-twilio = i limiti del preflight di Twilio (l'app si basa su Twilio)
quality-standard-generic = i requisiti di rete di Microsoft Teams per “buono” (per il video 1,5 Mbit/s in ciascun senso) e le fasce di Daily per le interruzioni (il produttore non pubblica valori)
quality-standard-generic-voice = i requisiti di rete di Microsoft Teams per “buono” (per una chiamata circa 100 kbit/s in ciascun senso) e le fasce di Daily per le interruzioni (il produttore non pubblica valori)
quality-past-download = il download è { $value } (buono è da { $limit } in su)
quality-past-upload = il caricamento è { $value } (buono è da { $limit } in su)
quality-past-loaded-rtt = mentre qualcosa carica, il tempo di andata e ritorno sale a { $value } ms (buono è sotto { $limit } ms)
quality-speed = Download { $down }, caricamento { $up }, andata e ritorno durante il caricamento { $loaded }.
quality-not-measured-figure = non misurato
quality-measuring-speed = Misurazione di download e caricamento…
quality-speed-not-measured = Download e caricamento non sono stati misurati: { $reason }
quality-not-measured = La qualità delle chiamate non è stata misurata: { $reason }
quality-no-udp = nessuna porta UDP ha risposto, quindi non c'è un percorso utilizzabile da una chiamata.
quality-browser-cannot = questo browser non può inviare l'UDP di una chiamata (WebRTC manca o è disattivato); apri il link in Chrome, Firefox o Safari per misurarla.

## Condivisione
share-heading = Invia all'assistenza
include-ip = Includi il mio indirizzo IP pubblico
share = Condividi il risultato
saving = Salvataggio…
share-failed = Impossibile condividere: { $message }.
share-link = Link a questo risultato (valido 30 giorni)
share-link-fragment = Link a questo risultato (il risultato viaggia nel link stesso)
copy-link = Copia il link
copied-link = Link copiato.
copy-text = Copia come testo
copied-text = Risultato copiato come testo.
download-json = Scarica il JSON
print = Stampa
copy-refused = Questo browser non consente di copiare qui; seleziona il testo e copialo a mano.
qr-label = Codice QR del link
run-on-phone = Esegui questa verifica sul telefono: scansiona il codice.

## Risultato condiviso
shared-loading = Caricamento del risultato condiviso…
shared-failed = Questo risultato non può essere mostrato:
shared-new-check = Avvia una nuova verifica
shared-heading = Risultato condiviso
shared-device = Dispositivo o app
shared-checked = Verificato
shared-browser = Browser
shared-address = Indirizzo pubblico
shared-valid-until = Link valido fino al

## Incorporamento
embed-full-result = Vedi tutti i dettagli (si apre in una nuova scheda)
vendors-title = Inserisci Doorway nel tuo articolo di assistenza
vendors-lede = Scegli cosa verificare, guarda la verifica dal vivo e copia il codice nella tua pagina. I tuoi lettori la eseguono sulla propria rete e trovano la risposta nell'articolo.
vendors-what = Cosa verificare
vendors-profile = Un dispositivo o un'app
vendors-ports = I tuoi elenchi di porte
vendors-ports-hint = Numeri e intervalli separati da virgole: 443, 8557, 9998-9999.
vendors-tcp = Porte TCP in uscita
vendors-udp = Porte UDP in uscita
vendors-inbound = Porte TCP in entrata (verificate dall'esterno)
vendors-look = Aspetto
vendors-lang = Lingua
vendors-lang-reader = Decide il browser del lettore
vendors-languages = I lettori possono cambiare lingua
vendors-autorun = La verifica parte appena si apre l'articolo
vendors-theme = Colore principale (pulsanti e link)
vendors-snippet = Codice per la tua pagina
vendors-snippet-detail = Incollalo dove deve comparire la verifica. Il riquadro si ridimensiona da solo; la tua pagina riceve il risultato come messaggio doorway:result e il link che un lettore condivide come doorway:shared.
vendors-copy = Copia il codice
vendors-copied = Copiato. Incollalo nel tuo articolo.
vendors-demo = Guardalo in un articolo di assistenza di esempio
vendors-preview = Anteprima su un telefono
vendors-frame-title = Verifica della rete

## Rapporto (copia come testo) e tabella per il provider
report-title = Verifica Doorway: { $headline }
report-device = Dispositivo o app: { $profile }
report-run = Eseguita: { $when } ({ $seconds } s), { $browser }
report-address = Indirizzo pubblico: { $address }
report-partial = { $reachable } di { $probed } porte verificate aperte
report-blocked-dropped = bloccate (nessuna risposta)
report-blocked-refused = bloccate (rifiutate)
report-carrier-nat = impossibile: indirizzo condiviso dell'operatore (NAT di livello carrier)
report-intercepted = su { $intercepted } di { $probed } porte verificate ha risposto qualcos'altro (intercettate, non bloccate)
report-col-ports = Porte
report-col-protocol = Protocollo
report-col-traffic = Tipo di traffico
report-col-result = Esito
provider-quality-stream = Qualità delle chiamate (un flusso simile alla voce)
provider-quality-transfers = Download e caricamento (HTTP)

## Prima la risposta: il passo successivo dopo il verdetto
next-look-at-the-device = La tua rete lascia passare { $profile }. Se non funziona ancora, la causa è più probabilmente il dispositivo: il segnale Wi-Fi dove si trova, l'alimentazione o la configurazione nell'app. Invia questo risultato all'assistenza, così potrà escludere la rete.
next-try-the-steps = Quasi tutto ciò che serve a { $profile } passa, ma le parti elencate sopra potrebbero non funzionare. Prova i passi in “Cosa fare” o invia questo risultato all'assistenza.
next-follow-the-steps = Segui i passi in “Cosa fare” qui sotto, poi ripeti la verifica. Se non funziona ancora, invia questo risultato all'assistenza o al tuo provider.
next-relay-or-allow-udp = { $profile } può funzionare comunque tramite un server relay, se il servizio ne offre uno, ma il video può essere più lento. Per connessioni dirette consenti l'UDP in uscita nel router (vedi “Cosa fare”).
next-sign-in-first = Apri una pagina web qualsiasi in questo browser: se compare una pagina di accesso, accedi o accetta le condizioni, poi ripeti la verifica. Su una rete aziendale o scolastica invia questo risultato all'IT.
next-other-browser = Questo browser non ha potuto provare tutto ciò che serve a { $profile }. Apri questo link in Chrome, Firefox o Safari sulla stessa rete e ripeti la verifica.
next-send-to-support = Una parte di ciò che serve a { $profile } non si è potuta verificare qui. Invia questo risultato all'assistenza: potrà confrontarlo con ciò che riporta il dispositivo.
next-check-from-outside = Ciò che { $profile } invia verso l'esterno passa. Le connessioni in entrata non sono ancora verificate: premi “Verifica dall'esterno” qui sotto, con il dispositivo acceso.
network-hint = Esegui la verifica sulla rete che usa il dispositivo: il Wi-Fi di casa, non i dati mobili.
mobile-data-warning = Questo telefono sembra usare i dati mobili. Collegati prima al Wi-Fi del dispositivo: con i dati mobili la verifica prova la rete sbagliata.
check-again = Verifica di nuovo
details-heading = Dettagli per l'assistenza
details-hint = Ogni porta, il comportamento del router, il relay e la verifica WebSocket.
more-ways = Altri modi per conservare il risultato
relay-meaning-none = Da qui nessun relay funziona: se anche l'UDP diretto è bloccato, video e chiamate non passano.
relay-meaning-some = Almeno una via verso il relay funziona, quindi video e chiamate possono ripiegare su di essa quando le connessioni dirette falliscono (può essere più lento).
share-system = Condividi…
share-again-same = Questo è il link a questo risultato; condividere di nuovo dà lo stesso link.

## Per l'assistenza: domande e la rete
shared-for-support = Per l'assistenza
shared-network = Rete
shared-time-utc = { $local } ({ $zone }); { $utc } UTC
network-not-configured = non registrata: questo server Doorway non ha un database delle reti
network-not-found = non presente nel database delle reti del server
network-unknown-address = non registrata (un risultato più vecchio)
network-kind-residential = internet di casa (cavo, DSL o fibra)
network-kind-mobile-carrier = operatore mobile: il telefono usava i dati mobili
network-kind-corporate = rete aziendale
network-kind-satellite = internet via satellite
network-kind-unknown = tipo di rete sconosciuto
questions-heading = Domande da fare al cliente
ask-same-network = Il telefono o il computer era sulla stessa rete Wi-Fi del dispositivo durante la verifica (non sui dati mobili, non su una rete ospiti)?
ask-mobile-data = La verifica è stata fatta sulla rete di un operatore mobile: il telefono usava i dati mobili invece del Wi-Fi di casa? In tal caso chiedi di collegarsi al Wi-Fi e ripetere la verifica.
ask-sign-in-page = È una rete di hotel, ufficio, scuola o ospiti con una pagina di accesso, un proxy o un filtro di sicurezza?
ask-router-model = Quale router o modem ha (marca e modello), ed è stato fornito dal provider?
ask-security-features = È attivo un firewall, un controllo parentale o una funzione di “sicurezza” nel router o nell'app del provider?
ask-second-router = C'è un secondo router, un sistema mesh o un modem del provider in modalità router tra il dispositivo e internet?
ask-forward-target = A quale indirizzo punta l'inoltro della porta nel router, ed è l'indirizzo attuale del dispositivo?
ask-sip-alg = Il SIP ALG (SIP helper, trasformazioni SIP) è disattivato nel router?
ask-other-browser = Può ripetere la verifica in Chrome, Firefox o Safari sulla stessa rete?
ask-device-signal = Quanto è forte il segnale Wi-Fi del dispositivo dove è montato (di solito l'app del dispositivo lo mostra)?
ask-when-it-fails = Quando esattamente non funziona: sempre, in certe ore del giorno o solo per alcune funzioni?
copy-text-for-support = Copia come testo per un ticket

